"""Slack's Events API retries: each delivery is acted on once, and never dropped unfinished."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import requests

from bot.sandbox import Fault
from bot.sandbox.requests import app_home_opened, signed_headers
from bot.workflow.event_inbox import SOURCE
from storage.models import InboxEvent
from tests.conftest import SIGNING_SECRET, RunningApp

USER = "U0CSM0001"


def deliver(app: RunningApp, envelope: dict[str, Any], retry: int = 0) -> int:
    body = json.dumps(envelope).encode()
    headers = signed_headers(SIGNING_SECRET, body, content_type="application/json")
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    session = requests.Session()
    session.trust_env = False
    status = session.post(app.url + "/slack/events", data=body, headers=headers, timeout=10)
    app.executor.drain()
    return status.status_code


def test_retries_of_a_delivery_are_acted_on_once(running_app: RunningApp) -> None:
    envelope = app_home_opened(USER)
    assert [deliver(running_app, envelope, retry) for retry in range(4)] == [200] * 4
    assert len(running_app.slack.calls_to("views.publish")) == 1
    [stored] = running_app.rows(InboxEvent)
    assert (stored.source, stored.external_id, stored.outcome) == (
        SOURCE,
        envelope["event_id"],
        "done",
    )


def test_a_retry_after_a_failed_attempt_is_acted_on(running_app: RunningApp) -> None:
    envelope = app_home_opened(USER)
    running_app.slack.inject(Fault("status", method="views.publish", status=500))
    deliver(running_app, envelope)
    assert not [c for c in running_app.slack.calls_to("views.publish") if c.ok]
    deliver(running_app, envelope, retry=1)
    assert len([c for c in running_app.slack.calls_to("views.publish") if c.ok]) == 1


def test_an_attempt_that_died_mid_way_is_taken_over_by_the_retry(running_app: RunningApp) -> None:
    envelope = app_home_opened(USER)
    with running_app.runtime.sessions.begin() as session:
        session.add(
            InboxEvent(
                source=SOURCE,
                external_id=envelope["event_id"],
                received_at=running_app.clock.now() - timedelta(minutes=1),
                outcome="processing",
                payload={},
            )
        )
    deliver(running_app, envelope, retry=1)
    assert len(running_app.slack.calls_to("views.publish")) == 1


def test_a_retry_while_the_first_attempt_is_still_working_does_nothing(
    running_app: RunningApp,
) -> None:
    envelope = app_home_opened(USER)
    with running_app.runtime.sessions.begin() as session:
        session.add(
            InboxEvent(
                source=SOURCE,
                external_id=envelope["event_id"],
                received_at=running_app.clock.now() - timedelta(seconds=5),
                outcome="processing",
                payload={},
            )
        )
    deliver(running_app, envelope, retry=1)
    assert running_app.slack.calls_to("views.publish") == []
