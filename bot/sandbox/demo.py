"""``python app.py demo``: the real app against the local Slack stand-in, start to finish."""

from __future__ import annotations

import json
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from bot.crm.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from bot.sandbox.render import blocks_as_text, builder_link
from bot.sandbox.slack_api import FakeSlack
from bot.settings import Settings
from bot.web.server import HttpServer
from storage.migrate import upgrade

DEMO_SECRET = "demo-webhook-secret"
AE_ID = "U0DANA0AE"


class _DemoRuntime(Protocol):
    engine: Any
    wsgi_app: Any
    relay: Any


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


def send_event(base_url: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        base_url + "/crm/events",
        data=body,
        headers={
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(DEMO_SECRET, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def run_demo(
    build_runtime: Callable[..., _DemoRuntime], out: Callable[[str], None] = print
) -> None:
    started = time.monotonic()
    slack = FakeSlack(token="xoxb-demo").start()
    slack.add_user(AE_ID, email="dana@acme-vendor.example", name="Dana (AE)")
    with tempfile.TemporaryDirectory(prefix="handoff-demo-") as workdir:
        settings = Settings(
            slack_bot_token="xoxb-demo",
            slack_signing_secret="demo-signing-secret",
            slack_api_url=slack.url,
            database_url=f"sqlite:///{Path(workdir) / 'demo.db'}",
            crm_webhook_secret=DEMO_SECRET,
        )
        runtime = build_runtime(settings)
        upgrade(runtime.engine)
        server = HttpServer(runtime.wsgi_app, host="127.0.0.1", port=0)
        server.start_in_background()
        base_url = f"http://127.0.0.1:{server.port}"
        shown = 0

        def show_new_messages() -> None:
            nonlocal shown
            for call in slack.calls[shown:]:
                if call.method in ("chat.postMessage", "chat.update") and call.ok:
                    channel = slack.channel(call.response["channel"])["name"]
                    verb = "posted to" if call.method == "chat.postMessage" else "updated in"
                    blocks = call.args.get("blocks") or []
                    if isinstance(blocks, str):
                        blocks = json.loads(blocks)
                    out(f"\n--- Handoff {verb} #{channel} ---")
                    out(blocks_as_text(blocks))
                    out(f"\n  See it as Slack renders it: {builder_link(blocks)}")
            shown = len(slack.calls)

        try:
            now = datetime.now(UTC)
            out("Handoff offline demo: the real app, a local Slack stand-in, a temporary database.")
            out(
                "\n1. The CRM reports Acme — Platform as Closed Won, 2 of 4 required fields filled."
            )
            first = sample_event(
                "evt_demo_1",
                now - timedelta(minutes=2),
                {"primary_use_case": "Consolidate billing", "success_metrics": "DSO −10 days"},
            )
            status, reply = send_event(base_url, first)
            out(f"   POST /crm/events -> {status} {json.dumps(reply)}")
            runtime.relay.run_once()
            show_new_messages()

            out("\n2. The same event is delivered again (CRMs retry). Nothing new is posted.")
            status, reply = send_event(base_url, first)
            out(f"   POST /crm/events -> {status} {json.dumps(reply)}")
            runtime.relay.run_once()
            show_new_messages()

            out("\n3. The AE completes the deal in the CRM; the same card is updated in place.")
            second = sample_event(
                "evt_demo_2",
                now - timedelta(minutes=1),
                {
                    "primary_use_case": "Consolidate billing",
                    "success_metrics": "DSO −10 days",
                    "decision_makers": "Priya Shah (CFO), Tom Lee (VP Finance Ops)",
                    "promises_made": "SSO in the first month; NetSuite sync by Q1",
                },
            )
            status, reply = send_event(base_url, second)
            out(f"   POST /crm/events -> {status} {json.dumps(reply)}")
            runtime.relay.run_once()
            show_new_messages()
            posts = len([c for c in slack.calls_to("chat.postMessage") if c.ok])
            out(
                f"\nDone in {time.monotonic() - started:.1f} s: {posts} card posted, kept current "
                "with chat.update. No account, no network."
            )
        finally:
            server.stop()
            slack.stop()
            runtime.engine.dispose()
