"""``python app.py demo``: the real app against the local Slack stand-in, start to finish.

A deal closes with gaps → the AE fills in the details → a CSM claims it → a reviewer marks it
ready. Every step is a signed HTTP request, exactly as the CRM and Slack would send it.
"""

from __future__ import annotations

import json
import re
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import Settings
from bot.crm.webhook.events import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from bot.domain.clock import ManualClock
from bot.sandbox.demo_story import first_day, weeks_later
from bot.sandbox.executor import DrainableExecutor
from bot.sandbox.render import blocks_as_text, links_page, plain
from bot.sandbox.requests import (
    block_action,
    form_body,
    menu_choice,
    modal_action,
    signed_headers,
    view_submission,
)
from bot.sandbox.slack_api import FakeSlack
from bot.web.server import HttpServer
from storage.migrate import upgrade

WEBHOOK_SECRET = "demo-webhook-secret"
SIGNING_SECRET = "demo-signing-secret"
AE, CSM, REVIEWER, OTHER_AE = "U0DANA0AE", "U0CASEYCS", "U0RITAREV", "U0SAMSALE"
NAMES = {AE: "Dana (AE)", CSM: "Casey (CSM)", REVIEWER: "Rita (reviewer)", OTHER_AE: "Sam (AE)"}


CS_CHANNEL, ESCALATIONS, LEADERSHIP = "C0CSTEAM0", "C0ESCALATE", "C0LEADERS"


def demo_playbook() -> Playbook:
    playbook = load_playbook()
    return playbook.model_copy(
        update={
            "team": playbook.team.model_copy(update={"csms": [CSM], "reviewers": [REVIEWER]}),
            "channels": playbook.channels.model_copy(update={"cs_channel_id": CS_CHANNEL}),
            "sla": playbook.sla.model_copy(update={"escalation_channel_id": ESCALATIONS}),
            "reporting": playbook.reporting.model_copy(update={"channel_id": LEADERSHIP}),
        }
    )


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def send_event(base_url: str, payload: dict[str, Any], now: datetime) -> tuple[int, Any]:
    body = json.dumps(payload).encode()
    stamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: signature(WEBHOOK_SECRET, stamp, body),
    }
    return _post(base_url + "/crm/events", body, headers)


class Demo:
    def __init__(
        self,
        base_url: str,
        slack: FakeSlack,
        runtime: Any,
        executor: DrainableExecutor,
        out: Callable[[str], None],
        clock: ManualClock,
    ) -> None:
        self.base_url, self.slack, self.runtime, self.executor, self.out = (
            base_url,
            slack,
            runtime,
            executor,
            out,
        )
        self.clock = clock
        self.shown = 0
        self.shown_files = 0
        self.full_cards = True
        self.cards: list[tuple[str, list[dict[str, Any]]]] = []  # for the --links page

    def send(self, payload: dict[str, Any]) -> None:
        status, reply = send_event(self.base_url, payload, self.clock.now())
        self.out(f"   POST /crm/events -> {status} {json.dumps(reply)}")
        self.runtime.relay.run_once()

    def later(self, delta: timedelta, what: str) -> None:
        """Move the demo's clock on, and let the scheduler's jobs run as they would have."""
        self.clock.advance(delta)
        self.out(f"\n   ... {what} ...")
        self.runtime.sweeper.sweep()
        self.runtime.relay.run_once()

    def slack_request(self, form: dict[str, str]) -> Any:
        body = form_body(form)
        headers = signed_headers(
            SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded"
        )
        status, reply = _post(self.base_url + "/slack/events", body, headers)
        assert status == 200, (status, reply)
        self.executor.drain()
        self.runtime.relay.run_once()
        return reply

    def click(self, action: str, user: str, handoff_id: int = 1) -> None:
        self.out(f"   {NAMES[user]} clicks “{action.replace('_', ' ').capitalize()}”")
        self.slack_request(
            block_action(
                action, user_id=user, value=str(handoff_id), response_url=self.slack.response_url
            )
        )

    def choose(self, action: str, label: str, user: str, handoff_id: int = 1) -> None:
        """Pick an entry of the card's ⋯ menu."""
        self.out(f"   {NAMES[user]} picks “{label}” from the card's ⋯ menu")
        option = f"{action}:{handoff_id}"
        self.slack_request(menu_choice(option, user_id=user, response_url=self.slack.response_url))

    def press_in_modal(
        self,
        action: str,
        label: str,
        user: str,
        values: dict[str, dict[str, Any]],
        handoff_id: int = 1,
    ) -> None:
        self.out(f"   {NAMES[user]} clicks “{label}” in the modal")
        self.slack_request(
            modal_action(
                action,
                user_id=user,
                handoff_id=handoff_id,
                callback_id="handoff_fields",
                values=values,
            )
        )

    def user_name(self, user_id: str) -> str:
        return NAMES.get(user_id, user_id)

    def channel_name(self, channel_id: str) -> str:
        known = self.slack.workspace.channels.get(channel_id)
        return known.name if known else channel_id

    def text(self, mrkdwn: str) -> str:
        return plain(mrkdwn, user=self.user_name, channel=self.channel_name)

    def submit(
        self, callback: str, user: str, values: dict[str, dict[str, Any]], handoff_id: int = 1
    ) -> None:
        self.out(f"   {NAMES[user]} submits the modal")
        self.slack_request(
            view_submission(callback, user_id=user, handoff_id=handoff_id, values=values)
        )

    def show(self) -> None:
        for call in self.slack.calls[self.shown :]:
            if call.method in ("chat.postMessage", "chat.update") and call.ok:
                self._message(call.method, call.args, call.response)
            elif call.method in ("views.open", "views.update") and call.ok:
                self._modal(call.args["view"])
            elif call.method == "conversations.canvases.create" and call.ok:
                channel = self.channel_name(str(call.args["channel_id"]))
                self.out(f"\n--- The brief, as #{channel}'s canvas ---")
                self.out(canvas_as_text(call.args["document_content"]["markdown"]))
            elif call.method == "canvases.edit" and call.ok:
                self.out("\n   [canvas updated] the brief in the deal channel's canvas (one edit)")
            elif call.method == "response_url":
                self.out(f"\n   [only visible to them] {self.text(str(call.args.get('text')))}")
        self.shown = len(self.slack.calls)
        for shared in self.slack.uploads()[self.shown_files :]:
            where = str(shared["channel"])
            if where.startswith("D"):
                who = f"DM with @{self.user_name(where[1:])}"
            else:
                who = f"#{self.channel_name(where)}"
            self.out(f"\n   [file in {who}] {shared['name']} ({len(shared['content'])} bytes)")
        self.shown_files = len(self.slack.uploads())

    def _modal(self, raw: Any) -> None:
        view = json.loads(raw) if isinstance(raw, str) else raw
        inputs = [
            b["label"]["text"] + (" (optional)" if b.get("optional") else "")
            for b in view["blocks"]
            if b["type"] == "input"
        ]
        self.out(f"\n   [modal] “{view['title']['text']}”: {', '.join(inputs)}")
        if not inputs:
            self.out(blocks_as_text(view["blocks"], user=self.user_name, channel=self.channel_name))

    def _message(self, method: str, args: dict[str, Any], response: dict[str, Any]) -> None:
        blocks = args.get("blocks") or []
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        channel = self.channel_name(response["channel"])
        text = self.text(str(args.get("text")))
        if args.get("thread_ts"):
            self.out(f"\n   [thread in #{channel}] {text}")
            return
        if str(args.get("channel", "")).startswith("U"):
            self.out(f"\n   [DM to @{self.user_name(str(args['channel']))}] {text}")
            return
        if method == "chat.update" and not self.full_cards:
            self.out(f"\n   [card updated in #{channel}] {text}")
            return
        header = blocks[0]["text"]["text"] if blocks and blocks[0].get("type") == "header" else ""
        as_text = blocks_as_text(blocks, user=self.user_name, channel=self.channel_name)
        if not header.startswith(("Handoff:", "Upcoming handoff:")):
            self.out(f"\n   [#{channel}] {text}")
            if header:
                self.out(as_text)
            return
        verb = "posted to" if method == "chat.postMessage" else "updated in"
        self.out(f"\n--- Handoff card {verb} #{channel} ---")
        self.out(as_text)
        self.cards.append((f"{header} ({verb} #{channel})", blocks))


def canvas_as_text(markdown: str) -> str:
    """The canvas's markdown as the demo prints it: indented, escapes and mentions undone."""
    text = re.sub(r"!\[\]\(@(\w+)\)", lambda m: f"@{NAMES.get(m.group(1), m.group(1))}", markdown)
    return "\n".join(f"   {line}" for line in re.sub(r"\\(.)", r"\1", text).splitlines())


def run_demo(
    build_runtime: Callable[..., Any],
    out: Callable[[str], None] = print,
    *,
    links: Path | None = None,
) -> None:
    slack = FakeSlack(token="xoxb-demo").start()
    for channel, name in (
        (CS_CHANNEL, "cs-team"),
        (ESCALATIONS, "cs-escalations"),
        (LEADERSHIP, "cs-leadership"),
    ):
        slack.add_channel(channel, name)
    for user, name in NAMES.items():
        slack.add_user(
            user, email="dana@acme-vendor.example" if user == AE else f"{user}@x.example", name=name
        )
    executor = DrainableExecutor()
    with tempfile.TemporaryDirectory(prefix="handoff-demo-") as workdir:
        settings = Settings(
            slack_bot_token="xoxb-demo",
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack.url,
            database_url=f"sqlite:///{Path(workdir) / 'demo.db'}",
            crm_webhook_secret=WEBHOOK_SECRET,
        )
        clock = ManualClock(datetime.now(UTC))
        runtime = build_runtime(
            settings,
            playbook=demo_playbook(),
            listener_executor=executor,
            after_ack_executor=executor,
            clock=clock,
        )
        upgrade(runtime.engine)
        server = HttpServer(runtime.wsgi_app, host="127.0.0.1", port=0)
        server.start_in_background()
        demo = Demo(f"http://127.0.0.1:{server.port}", slack, runtime, executor, out, clock)
        try:
            first_day(demo)
            demo.full_cards = False
            weeks_later(demo)
            cards = len(
                [c for c in slack.calls_to("chat.postMessage") if c.ok and c.args.get("metadata")]
            )
            out(f"\nDone: {cards} handoff cards, each kept current in place.")
            out("No Slack account and no network: a local stand-in answered for Slack.")
            if links is None:
                out("To see each card as Slack draws it: python app.py demo --links cards.html")
            else:
                links.write_text(links_page(demo.cards), encoding="utf-8")
                out(f"Wrote {links}: open it to see each card in Slack's Block Kit Builder.")
        finally:
            server.stop()
            slack.stop()
            executor.shutdown(wait=True)
            runtime.engine.dispose()
