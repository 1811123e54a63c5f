"""Kickoff, first value, onboarding done, and the two-week feedback loop with capped reminders."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from storage.models import Deadline, Handoff
from tests.conftest import AE_ID, RunningApp
from tests.support.team import (
    COMPLETE,
    CSM,
    OUTSIDER,
    REVIEWER,
    start_handoff,
)

pytestmark = pytest.mark.team


def ready_handoff(app: RunningApp) -> int:
    handoff_id = start_handoff(app, fields=COMPLETE)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.submit(
        "handoff_ready",
        user=REVIEWER,
        handoff_id=handoff_id,
        values={
            "ready_confirm": {
                "type": "checkboxes",
                "selected_options": [{"value": "brief_reviewed"}],
            }
        },
    )
    app.settle()
    return handoff_id


def kickoff(app: RunningApp, handoff_id: int, day: str, user: str = CSM):  # type: ignore[no-untyped-def]
    return app.submit(
        "handoff_kickoff",
        user=user,
        handoff_id=handoff_id,
        values={"kickoff_day": {"type": "datepicker", "selected_date": day}},
    )


def dms(app: RunningApp, user: str) -> list[dict]:
    app.executor.drain()
    return [
        c.args
        for c in app.slack.calls_to("chat.postMessage")
        if c.ok and c.args.get("channel") == user
    ]


def test_milestones_in_order_from_the_card(app: RunningApp) -> None:
    handoff_id = ready_handoff(app)
    card = json.dumps(app.cards()[0]["blocks"])
    assert f'"kickoff_held:{handoff_id}"' in card  # in the card's overflow menu
    app.choose("kickoff_held", user=CSM, handoff_id=handoff_id)
    app.settle()
    assert app.slack.views()[-1]["callback_id"] == "handoff_kickoff"

    future = (app.clock.now() + timedelta(days=2)).date().isoformat()
    assert kickoff(app, handoff_id, future).body["response_action"] == "errors"
    yesterday = (app.clock.now() - timedelta(days=1)).date()
    assert kickoff(app, handoff_id, yesterday.isoformat()).status == 200
    app.settle()
    row = app.rows(Handoff)[0]
    assert row.kickoff_at is not None and row.kickoff_at.date() == yesterday
    assert f'"first_value:{handoff_id}"' in json.dumps(app.cards()[0]["blocks"])

    app.click("first_value", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.click("onboarding_done", user=CSM, handoff_id=handoff_id)
    app.settle()
    row = app.rows(Handoff)[0]
    assert row.first_value_at and row.onboarding_done_at
    card = json.dumps(app.cards()[0]["blocks"], ensure_ascii=False)
    assert "Customer kickoff held" in card and "Onboarding complete <!date" in card
    assert app.thread()[-1]["text"] == f":checkered_flag: <@{CSM}> recorded onboarding complete."


def test_only_the_owner_records_milestones(app: RunningApp) -> None:
    handoff_id = ready_handoff(app)
    app.click("kickoff_held", user=OUTSIDER, handoff_id=handoff_id)
    assert app.ephemeral_texts()[-1].startswith("Only the handoff's owner can record milestones")
    app.click("first_value", user=CSM, handoff_id=handoff_id)
    assert app.ephemeral_texts()[-1] == "Record the customer kickoff first."


def test_feedback_is_requested_two_weeks_after_kickoff_with_capped_reminders(
    app: RunningApp,
) -> None:
    handoff_id = ready_handoff(app)
    kickoff(app, handoff_id, app.clock.now().date().isoformat())
    app.settle()

    def sweep(days: float) -> None:
        app.clock.advance(timedelta(days=days))
        app.runtime.sweeper.sweep()
        app.relay()

    sweep(13)
    assert not [m for m in dms(app, CSM) if "Write feedback" in json.dumps(m.get("blocks"))]
    sweep(1.1)
    requests = [m for m in dms(app, CSM) if "two weeks since the kickoff" in m["text"]]
    assert len(requests) == 1 and '"write_feedback"' in json.dumps(requests[0]["blocks"])
    for _ in range(5):
        sweep(2.1)
    requests = [m for m in dms(app, CSM) if "two weeks since the kickoff" in m["text"]]
    assert len(requests) == 3  # the request and two reminders, then no more
    assert requests[1]["text"].startswith(":speech_balloon: Reminder: it is two weeks")


def test_feedback_reaches_the_ae_and_stops_the_reminders(app: RunningApp) -> None:
    handoff_id = ready_handoff(app)
    kickoff(app, handoff_id, app.clock.now().date().isoformat())
    app.settle()
    app.clock.advance(timedelta(days=14, hours=1))
    app.runtime.sweeper.sweep()
    app.relay()
    app.click("write_feedback", user=CSM, handoff_id=handoff_id)
    app.settle()
    form = app.slack.views()[-1]
    assert form["callback_id"] == "handoff_feedback"
    assert any(b.get("block_id") == "accuracy:primary_use_case" for b in form["blocks"])

    values = {
        "went_well": {"type": "plain_text_input", "value": "Clear goals"},
        "missing_context": {"type": "plain_text_input", "value": "The NetSuite timeline"},
        "signals": {"type": "plain_text_input", "value": "CFO joined the kickoff"},
        "accuracy:primary_use_case": {
            "type": "static_select",
            "selected_option": {"value": "accurate"},
        },
        "accuracy:promises_made": {"type": "static_select", "selected_option": {"value": "partly"}},
    }
    assert (
        app.submit("handoff_feedback", user=CSM, handoff_id=handoff_id, values=values).status == 200
    )
    app.settle()
    row = app.rows(Handoff)[0]
    assert row.feedback["missing_context"] == "The NetSuite timeline"
    assert row.feedback["accuracy"] == {"primary_use_case": "accurate", "promises_made": "partly"}
    [delivered] = [m for m in dms(app, AE_ID) if "sent feedback" in m["text"]]
    text = json.dumps(delivered["blocks"], ensure_ascii=False)
    assert "The NetSuite timeline" in text and "Promises made in the sale: Partly right" in text
    assert {d.status.value for d in app.rows(Deadline) if d.kind.value == "feedback_request"} >= {
        "cancelled"
    }
    app.clock.advance(timedelta(days=10))
    app.runtime.sweeper.sweep()
    app.relay()
    assert len([m for m in dms(app, CSM) if "two weeks since" in m["text"]]) == 1
