"""Hostile or broken requests, as a fuzzer sends them: each a 4xx with a reason, never a 5xx,
never a hang, and nothing stored."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, create_engine

from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from bot.sandbox.requests import form_body, signed_headers, slash_command
from storage.models import Handoff, InboxEvent
from tests.conftest import SIGNING_SECRET, RunningApp, start_app
from tests.support.events import deal_event


def raw_request(
    app: RunningApp, path: str, headers: dict[str, str], body: bytes = b"", *, timeout: float = 5
) -> tuple[int, dict]:
    """Send bytes exactly as given (no client fixes the headers) and read the answer."""
    address = urlsplit(app.url)
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        sock.sendall(head.encode("latin-1") + b"\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    payload = rest.partition(b"\r\n\r\n")[2]
    try:
        parsed = json.loads(payload)
    except ValueError:
        parsed = {"raw": payload.decode("latin-1")}
    return int(status_line.split()[1]), parsed


def crm_headers(app: RunningApp, body: bytes, **override: str) -> dict[str, str]:
    from bot.crm.webhook.events import signature

    stamp = str(int(app.clock.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "X-Handoff-Request-Timestamp": stamp,
        "X-Handoff-Signature": signature("test-webhook-secret", stamp, body),
    }
    headers.update(override)
    return headers


def nothing_stored(app: RunningApp) -> bool:
    return app.rows(InboxEvent) == [] and app.rows(Handoff) == []


BODY = json.dumps(deal_event()).encode()


@pytest.mark.parametrize(
    "override",
    [
        {"X-Handoff-Request-Timestamp": "9" * 400},
        {"X-Handoff-Request-Timestamp": "nan"},
        {"X-Handoff-Request-Timestamp": ""},
        {"X-Handoff-Request-Timestamp": "-1"},
        {"X-Handoff-Signature": "v0=é" + "0" * 62},
        {"X-Handoff-Signature": ""},
    ],
)
def test_crm_webhook_unauthenticated_garbage_is_401(running_app: RunningApp, override) -> None:
    status, answer = raw_request(
        running_app, "/crm/events", crm_headers(running_app, BODY, **override), BODY
    )
    assert status == 401 and answer["ok"] is False
    assert nothing_stored(running_app)


@pytest.mark.parametrize(("length", "status"), [("²", 400), ("-1", 400), ("1e3", 400), ("", 411)])
def test_content_length_that_is_not_a_length_is_a_4xx(
    running_app: RunningApp, length: str, status: int
) -> None:
    for path in ("/crm/events", "/slack/events"):
        headers = crm_headers(running_app, BODY, **{"Content-Length": length})
        if not length:
            del headers["Content-Length"]
        got, _ = raw_request(running_app, path, headers, BODY)
        assert got == status, path


def slack_headers(body: bytes, content_type: str, **override: str) -> dict[str, str]:
    headers = signed_headers(SIGNING_SECRET, body, content_type=content_type)
    headers["Content-Length"] = str(len(body))
    headers.update(override)
    return headers


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=%7Bbad", "application/x-www-form-urlencoded"),
        (b"[1]", "application/json"),
        (b"payload=%5B1%5D", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"{" * 5000, "application/json"),
    ],
)
def test_slack_endpoint_unreadable_bodies_are_4xx_signed_or_not(
    running_app: RunningApp, body: bytes, content_type: str
) -> None:
    unsigned = slack_headers(body, content_type, **{"X-Slack-Signature": "v0=" + "0" * 64})
    assert raw_request(running_app, "/slack/events", unsigned, body)[0] == 401
    status, answer = raw_request(
        running_app, "/slack/events", slack_headers(body, content_type), body
    )
    assert status == 400 and answer["ok"] is False


@pytest.mark.parametrize(
    "override",
    [
        {"X-Slack-Request-Timestamp": "9" * 400},
        {"X-Slack-Request-Timestamp": "nan"},
        {"X-Slack-Request-Timestamp": ""},
        {"X-Slack-Signature": "v0=é" + "0" * 62},
    ],
)
def test_slack_endpoint_bad_timestamps_and_signatures_are_401(
    running_app: RunningApp, override: dict[str, str]
) -> None:
    body = form_body(slash_command("help"))
    headers = slack_headers(body, "application/x-www-form-urlencoded", **override)
    assert raw_request(running_app, "/slack/events", headers, body)[0] == 401


def test_a_negative_content_length_on_slack_events_does_not_hang(running_app: RunningApp) -> None:
    body = form_body(slash_command("help"))
    headers = slack_headers(body, "application/x-www-form-urlencoded", **{"Content-Length": "-1"})
    started = time.monotonic()
    status, _ = raw_request(running_app, "/slack/events", headers, body, timeout=5)
    assert status == 400 and time.monotonic() - started < 2


def test_a_good_slack_request_still_works(running_app: RunningApp) -> None:
    body = form_body(slash_command("help"))
    status, answer = raw_request(
        running_app, "/slack/events", slack_headers(body, "application/x-www-form-urlencoded"), body
    )
    assert status == 200 and answer["response_type"] == "ephemeral"


def nested(depth: int) -> bytes:
    return b'{"id": "e", "deep": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (nested(10_000), None),
        (BODY.replace(b'"amount": 120000', b'"amount": ' + b"9" * 5000), "deal.amount"),
        (BODY.replace(b'"amount": 120000', b'"amount": 10000000000000000'), "deal.amount"),
        (BODY.replace(b'"amount": 120000', b'"amount": 1e5000'), "deal.amount"),
        (BODY.replace(b"2026-11-23T09:00:00Z", b"0001-01-01T00:00:00+01:00"), "occurred_at"),
        (BODY.replace(b"2026-11-23T09:00:00Z", b"9999-12-31T23:59:59-01:00"), "occurred_at"),
        (BODY.replace(b"Acme Corp", b"Acme\\u0000Corp"), "deal.account_name"),
        (
            BODY.replace(b"Consolidate billing", b"Consolidate\\u0000"),
            "deal.fields.primary_use_case",
        ),
        (BODY.replace(b'"evt_8f2c"', b'"evt\\u0000"'), "id"),
    ],
)
def test_signed_but_malformed_crm_events_are_400_naming_the_field(
    running_app: RunningApp, body: bytes, field: str | None
) -> None:
    status, answer = raw_request(running_app, "/crm/events", crm_headers(running_app, body), body)
    assert status == 400, answer
    assert answer["ok"] is False and answer.get("field") == field
    assert nothing_stored(running_app)


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database that is down: nothing listens on the port, or the file cannot be opened."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'handoff.db'}")
    else:
        engine = create_engine("postgresql+psycopg://root@127.0.0.1:1/test", pool_pre_ping=True)
    yield engine
    engine.dispose()


def test_crm_events_during_a_database_outage_are_503(
    unreachable_database: Engine, slack: FakeSlack, clock: ManualClock, playbook: Playbook
) -> None:
    app = start_app(unreachable_database, slack, clock, playbook)
    try:
        reply = app.send(deal_event())
        assert reply.status == 503 and reply.headers.get("Retry-After")
        assert "database" in reply.body["error"]
    finally:
        app.stop()  # type: ignore[attr-defined]


def test_slacks_unsigned_ssl_check_is_answered(running_app: RunningApp) -> None:
    body = b"ssl_check=1&token=deprecated"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(len(body)),
    }
    assert raw_request(running_app, "/slack/events", headers, body)[0] == 200
