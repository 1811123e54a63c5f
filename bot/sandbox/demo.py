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

from bot.crm.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from bot.playbook import Playbook, load_playbook
from bot.sandbox.executor import DrainableExecutor
from bot.sandbox.render import blocks_as_text, builder_link, plain
from bot.sandbox.requests import block_action, form_body, signed_headers, view_submission
from bot.sandbox.slack_api import FakeSlack
from bot.settings import Settings
from bot.web.server import HttpServer
from storage.migrate import upgrade

WEBHOOK_SECRET = "demo-webhook-secret"
SIGNING_SECRET = "demo-signing-secret"
AE, CSM, REVIEWER, OTHER_AE = "U0DANA0AE", "U0CASEYCS", "U0RITAREV", "U0SAMSALE"
NAMES = {AE: "Dana (AE)", CSM: "Casey (CSM)", REVIEWER: "Rita (reviewer)", OTHER_AE: "Sam (AE)"}


def demo_playbook() -> Playbook:
    playbook = load_playbook()
    team = playbook.team.model_copy(update={"csms": [CSM], "reviewers": [REVIEWER]})
    return playbook.model_copy(update={"team": team})


def sample_event(event_id: str, occurred_at: datetime, fields: dict[str, str]) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "deal.updated",
        "occurred_at": occurred_at.isoformat().replace("+00:00", "Z"),
        "deal": {
            "id": "006Dn000004TmiQ",
            "name": "Acme — Platform",
            "stage": "Closed Won",
            "account_name": "Acme Corp",
            "amount": 120000,
            "currency": "USD",
            "close_date": "2026-11-21",
            "owner_email": "dana@acme-vendor.example",
            "url": "https://crm.example/deals/006Dn000004TmiQ",
            "fields": fields,
        },
    }


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def send_event(base_url: str, payload: dict[str, Any]) -> tuple[int, Any]:
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()))
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
    ) -> None:
        self.base_url, self.slack, self.runtime, self.executor, self.out = (
            base_url,
            slack,
            runtime,
            executor,
            out,
        )
        self.shown = 0

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

    def click(self, action: str, user: str) -> None:
        self.out(f"   {NAMES[user]} clicks “{action.replace('_', ' ').capitalize()}”")
        self.slack_request(
            block_action(action, user_id=user, value="1", response_url=self.slack.response_url)
        )

    def submit(self, callback: str, user: str, values: dict[str, dict[str, Any]]) -> None:
        self.out(f"   {NAMES[user]} submits the modal")
        self.slack_request(view_submission(callback, user_id=user, handoff_id=1, values=values))

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
        verb = "posted to" if method == "chat.postMessage" else "updated in"
        out(f"\n--- Handoff card {verb} #{channel} ---")
        out(blocks_as_text(blocks))
        out(f"\n  See it as Slack renders it: {builder_link(blocks)}")


def run_demo(build_runtime: Callable[..., Any], out: Callable[[str], None] = print) -> None:
    started = time.monotonic()
    slack = FakeSlack(token="xoxb-demo").start()
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
        runtime = build_runtime(settings, playbook=demo_playbook(), listener_executor=executor)
        upgrade(runtime.engine)
        server = HttpServer(runtime.wsgi_app, host="127.0.0.1", port=0)
        server.start_in_background()
        demo = Demo(f"http://127.0.0.1:{server.port}", slack, runtime, executor, out)
        try:
            _walk(demo, out)
            posts = len(
                [
                    c
                    for c in slack.calls_to("chat.postMessage")
                    if c.ok and not c.args.get("thread_ts")
                ]
            )
            out(
                f"\nDone in {time.monotonic() - started:.1f} s: {posts} card, kept current in "
                "place. No account, no network."
            )
        finally:
            server.stop()
            slack.stop()
            executor.shutdown(wait=True)
            runtime.engine.dispose()


def _walk(demo: Demo, out: Callable[[str], None]) -> None:
    now = datetime.now(UTC)
    out("Handoff offline demo: the real app, a local Slack stand-in, a temporary database.")
    out("\n1. The CRM reports Acme — Platform as Closed Won, 2 of 4 required fields filled.")
    first = sample_event(
        "evt_demo_1",
        now - timedelta(minutes=2),
        {"primary_use_case": "Consolidate billing", "success_metrics": "DSO −10 days"},
    )
    status, reply = send_event(demo.base_url, first)
    out(f"   POST /crm/events -> {status} {json.dumps(reply)}")
    demo.runtime.relay.run_once()
    demo.show()

    out("\n2. The CRM delivers the same event again. Nothing new is posted.")
    status, reply = send_event(demo.base_url, first)
    out(f"   POST /crm/events -> {status} {json.dumps(reply)}")
    demo.show()

    out("\n3. The AE completes the record in Slack.")
    demo.click("add_details", AE)
    demo.submit(
        "handoff_fields",
        AE,
        {
            "field:decision_makers": {
                "type": "plain_text_input",
                "value": "Priya Shah (CFO)\nTom Lee (VP Finance Ops)",
            },
            "field:promises_made": {
                "type": "plain_text_input",
                "value": "SSO in the first month; NetSuite sync by Q1",
            },
            "field:call_recordings": {
                "type": "plain_text_input",
                "value": "https://calls.example/acme-discovery",
            },
        },
    )
    demo.show()

    out("\n4. Another AE tries to claim it; a CSM claims it.")
    demo.click("claim", OTHER_AE)
    demo.show()
    demo.click("claim", CSM)
    demo.show()

    out("\n5. The reviewer reads the brief and marks the handoff ready.")
    demo.click("mark_ready", REVIEWER)
    demo.submit(
        "handoff_ready",
        REVIEWER,
        {
            "ready_confirm": {
                "type": "checkboxes",
                "selected_options": [
                    {"value": "brief_reviewed"},
                    {"value": "success_plan_reviewed"},
                ],
            }
        },
    )
    demo.show()
