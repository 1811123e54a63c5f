"""``python app.py demo``: the real app against the local Slack stand-in, start to finish.

A deal closes with gaps → the AE fills in the details → a CSM claims it → a reviewer marks it
ready. Every step is a signed HTTP request, exactly as the CRM and Slack would send it.
"""

from __future__ import annotations

import json
import tempfile
import time
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
from bot.sandbox.render import blocks_as_text, builder_link, plain
from bot.sandbox.requests import block_action, form_body, signed_headers, view_submission
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

    def submit(
        self, callback: str, user: str, values: dict[str, dict[str, Any]], handoff_id: int = 1
    ) -> None:
        self.out(f"   {NAMES[user]} submits the modal")
        self.slack_request(
            view_submission(callback, user_id=user, handoff_id=handoff_id, values=values)
        )

    def show(self) -> None:
        lines: list[str] = []
        self._collect(lines.append)
        for line in lines:
            for user, name in NAMES.items():
                line = line.replace(f"@{user}", f"@{name}")
            self.out(line)

    def _collect(self, out: Callable[[str], None]) -> None:
        for call in self.slack.calls[self.shown :]:
            if call.method in ("chat.postMessage", "chat.update") and call.ok:
                self._message(call.method, call.args, call.response, out)
            elif call.method == "views.open" and call.ok:
                view = call.args["view"]
                view = json.loads(view) if isinstance(view, str) else view
                inputs = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
                out(f"\n   [modal] “{view['title']['text']}”: {', '.join(inputs)}")
            elif call.method == "response_url":
                out(f"\n   [only visible to them] {plain(str(call.args.get('text')))}")
        self.shown = len(self.slack.calls)
        for shared in self.slack.uploads()[self.shown_files :]:
            where = shared["channel"]
            named = self.slack.channel(where)["name"] if not where.startswith("D") else where
            who = f"DM with @{where[1:]}" if where.startswith("D") else f"#{named}"
            out(f"\n   [file in {who}] {shared['name']} ({len(shared['content'])} bytes)")
        self.shown_files = len(self.slack.uploads())

    def _message(
        self,
        method: str,
        args: dict[str, Any],
        response: dict[str, Any],
        out: Callable[[str], None],
    ) -> None:
        blocks = args.get("blocks") or []
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        channel = self.slack.channel(response["channel"])["name"]
        if args.get("thread_ts"):
            out(f"\n   [thread in #{channel}] {plain(str(args.get('text')))}")
            return
        if str(args.get("channel", "")).startswith("U"):
            out(f"\n   [DM to @{args['channel']}] {plain(str(args.get('text')))}")
            return
        if method == "chat.update" and not self.full_cards:
            out(f"\n   [card updated in #{channel}] {plain(str(args.get('text')))}")
            return
        header = blocks[0]["text"]["text"] if blocks and blocks[0].get("type") == "header" else ""
        if not header.startswith(("Handoff:", "Upcoming handoff:")):
            out(f"\n   [#{channel}] {plain(str(args.get('text')))}")
            if header:
                out(blocks_as_text(blocks))
            return
        verb = "posted to" if method == "chat.postMessage" else "updated in"
        out(f"\n--- Handoff card {verb} #{channel} ---")
        out(blocks_as_text(blocks))
        out(f"\n  See it as Slack renders it: {builder_link(blocks)}")


def run_demo(build_runtime: Callable[..., Any], out: Callable[[str], None] = print) -> None:
    started = time.monotonic()
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
            settings, playbook=demo_playbook(), listener_executor=executor, clock=clock
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
            out(
                f"\nDone in {time.monotonic() - started:.1f} s: {cards} handoff cards, each kept "
                "current in place. No account, no network."
            )
        finally:
            server.stop()
            slack.stop()
            executor.shutdown(wait=True)
            runtime.engine.dispose()
