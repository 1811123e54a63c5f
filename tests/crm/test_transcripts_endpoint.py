"""`POST /context/transcripts`: signed like /crm/events; every format; bad input a 4xx naming
the field, storing nothing; the same id again changes nothing; a deal not seen yet waits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from tests.conftest import WEBHOOK_SECRET, RunningApp, start_app
from tests.support.context import (
    FORMATS,
    USE_CASE,
    as_segments,
    card_text,
    post_transcript,
    settle_context,
    sources,
    suggestions,
    transcript_body,
)
from tests.support.events import deal_event
from tests.support.signing import _session
from tests.support.team import start_handoff


@pytest.mark.parametrize("shape", ["segments", *sorted(FORMATS)])
def test_a_transcript_in_any_format_becomes_suggestions(
    running_app: RunningApp, shape: str
) -> None:
    app = running_app
    handoff_id = start_handoff(app, fields={})
    body = transcript_body()
    if shape != "segments":
        body = {
            **{k: v for k, v in body.items() if k != "segments"},
            "transcript": FORMATS[shape](),
        }
    reply = post_transcript(app, body)
    assert reply.status == 202, reply.body
    assert reply.body["handoff_id"] == handoff_id and reply.body["segments"] == 6
    settle_context(app)
    assert [s.value for s in suggestions(app, field_key="primary_use_case")] == [USE_CASE]
    # The recording link sent with the transcript is proposed for the recordings field.
    [link] = suggestions(app, field_key="call_recordings")
    assert (link.value, link.quote) == ("https://acme.gong.io/call?id=1", "")
    [call] = sources(app)
    assert (call.title, call.said_at.date().isoformat()) == ("discovery call", "2026-11-20")
    assert "suggestions from calls and the deal channel wait for" in card_text(app)


def test_the_same_id_again_is_a_success_that_changes_nothing(running_app: RunningApp) -> None:
    app = running_app
    start_handoff(app, fields={})
    first = post_transcript(app, transcript_body())
    again = post_transcript(app, transcript_body(segments=as_segments()[:2], title="other"))
    assert (first.status, again.status) == (202, 200)
    assert again.body["duplicate"] is True
    assert again.body["transcript_id"] == first.body["transcript_id"]
    [call] = sources(app)
    assert call.title == "discovery call" and len(call.segments or []) == 6


def test_a_transcript_for_a_deal_not_seen_yet_waits_for_it(running_app: RunningApp) -> None:
    app = running_app
    reply = post_transcript(app, transcript_body(deal_id="006NEWDEAL"))
    assert reply.status == 202
    assert reply.body["waiting_for_deal"] is True and reply.body["handoff_id"] is None
    settle_context(app)
    assert suggestions(app) == []
    assert app.send(deal_event("evt_new", id="006NEWDEAL", fields={})).status == 202
    app.relay()
    settle_context(app)
    [call] = sources(app)
    assert call.handoff_id == app.rows_ids()[0]
    assert [s.value for s in suggestions(app, field_key="primary_use_case")] == [USE_CASE]


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in transcript_body().items() if k != key}


BAD_BODIES = [
    (_without("id"), "id"),
    (_without("deal_id"), "deal_id"),
    (_without("segments"), "transcript"),
    ({**transcript_body(), "transcript": "Dana: hi"}, "transcript"),
    (transcript_body(segments=[{"start": "soon", "text": "hi"}]), "segments[0].start"),
    (transcript_body(segments=[{"speaker": "Dana", "text": ""}]), "segments[0].text"),
    (transcript_body(segments=[]), "segments"),
    (transcript_body(url="ftp://calls.example/1"), "url"),
    (transcript_body(occurred_at="last Tuesday"), "occurred_at"),
    ({**_without("segments"), "transcript": "WEBVTT\n\nnot a cue\n"}, "transcript"),
    ([1, 2, 3], "body"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(
    running_app: RunningApp, body: Any, field: str
) -> None:
    app = running_app
    start_handoff(app, fields={})
    reply = post_transcript(app, body)
    assert reply.status == 400, reply.body
    assert reply.body["ok"] is False and reply.body["field"] == field
    assert reply.body["error"].startswith(field) or field == "transcript"
    assert sources(app) == []


def test_unsigned_malformed_and_oversized_requests_are_refused(running_app: RunningApp) -> None:
    app = running_app
    body = json.dumps(transcript_body()).encode()
    url = app.url + "/context/transcripts"
    session = _session()
    unsigned = session.post(url, data=body, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    wrong = {"Content-Type": "application/json", "X-Handoff-Request-Timestamp": "1",
             "X-Handoff-Signature": "v0=00"}  # fmt: skip
    assert session.post(url, data=body, headers=wrong).status_code == 401
    assert session.post(url, data=body, headers={"Content-Type": "text/plain"}).status_code == 415
    assert post_transcript(app, None, raw=b"{not json").body["field"] == "body"
    huge = b" " * (5 * 1024 * 1024 + 1)
    assert (
        session.post(url, data=huge, headers={"Content-Type": "application/json"}).status_code
        == 413
    )
    assert session.get(url).status_code == 405
    assert sources(app) == []
    assert WEBHOOK_SECRET  # signed with the CRM webhook's secret, nothing new to configure


@pytest.fixture
def closed_app(
    engine: Engine, slack: FakeSlack, clock: ManualClock, playbook: Playbook
) -> Iterator[RunningApp]:
    off = playbook.context.model_copy(update={"transcript_api": False})
    app = start_app(engine, slack, clock, playbook.model_copy(update={"context": off}))
    yield app
    app.stop()  # type: ignore[attr-defined]


def test_switched_off_in_the_playbook_it_refuses_and_stores_nothing(
    closed_app: RunningApp,
) -> None:
    reply = post_transcript(closed_app, transcript_body())
    assert reply.status == 403 and "context.transcript_api" in reply.body["error"]
    assert sources(closed_app) == []
