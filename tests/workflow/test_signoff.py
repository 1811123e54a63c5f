"""Held → exception → ready, the brief, early introduction and lost deals."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.config.playbook import Playbook
from storage.enums import AuditAction, HandoffStatus
from storage.models import AuditEvent, Handoff
from tests.conftest import AE_ID, RunningApp
from tests.support.events import deal_event
from tests.support.team import (
    CS_CHANNEL,
    CSM,
    REVIEWER,
    field_state,
    start_handoff,
)

pytestmark = pytest.mark.team


def handoff(app: RunningApp) -> Handoff:
    return app.rows(Handoff)[0]


def exception_state(reason: str, until: str | None = None) -> dict:
    state: dict = {"exception_reason": {"type": "plain_text_input", "value": reason}}
    state["exception_until"] = {"type": "datepicker", "selected_date": until}
    return state


def ready_state(*ticks: str) -> dict:
    return {
        "ready_confirm": {"type": "checkboxes", "selected_options": [{"value": t} for t in ticks]}
    }


def test_held_then_exception_then_ready(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    assert handoff(app).status is HandoffStatus.HELD

    app.click("grant_exception", user=REVIEWER, handoff_id=handoff_id)
    app.settle()
    [modal] = app.slack.views()
    assert modal["callback_id"] == "handoff_exception"
    assert "Decision-maker contacts, Promises made in the sale missing" in json.dumps(
        modal, ensure_ascii=False
    )

    reply = app.submit(
        "handoff_exception",
        user=REVIEWER,
        handoff_id=handoff_id,
        values=exception_state("Customer kickoff is in 2 days; AE on leave", "2026-12-01"),
    )
    assert reply.status == 200 and reply.body == ""
    app.settle()
    row = handoff(app)
    assert row.status is HandoffStatus.OPEN and row.exception_by == REVIEWER
    card = json.dumps(app.cards()[0]["blocks"], ensure_ascii=False)
    assert f"Exception granted by <@{REVIEWER}> until 01 Dec 2026" in card
    assert "Decision-maker contacts — _missing_" in card  # still on the checklist

    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.click("mark_ready", user=REVIEWER, handoff_id=handoff_id)
    app.settle()
    assert app.slack.views()[-1]["callback_id"] == "handoff_ready"

    unticked = app.submit(
        "handoff_ready", user=REVIEWER, handoff_id=handoff_id, values=ready_state()
    )
    assert (
        unticked.body["response_action"] == "errors" and "ready_confirm" in unticked.body["errors"]
    )
    app.settle()
    assert handoff(app).status is HandoffStatus.OPEN

    app.submit(
        "handoff_ready",
        user=REVIEWER,
        handoff_id=handoff_id,
        values=ready_state("brief_reviewed", "success_plan_reviewed"),
    )
    app.settle()
    row = handoff(app)
    assert row.status is HandoffStatus.READY and row.ready_by == REVIEWER
    assert row.success_plan_reviewed is True
    card = json.dumps(app.cards()[0]["blocks"], ensure_ascii=False)
    assert ":large_green_circle: Handoff ready" in card
    assert f"Required fields excepted by <@{REVIEWER}>" in card
    assert ":white_check_mark: Success plan reviewed" in card
    assert ":white_large_square: Call recordings attached" in card
    brief = app.thread()[-1]
    ready = f":large_green_circle: <@{REVIEWER}> marked this handoff ready."
    assert brief["text"].startswith(ready)
    assert "Goals — primary use case" in json.dumps(brief["blocks"], ensure_ascii=False)
    actions = [a.action for a in app.rows(AuditEvent)]
    assert AuditAction.EXCEPTION_GRANTED in actions and AuditAction.MARKED_READY in actions


def test_exception_form_errors_are_inline(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    yesterday = (app.clock.now() - timedelta(days=1)).date().isoformat()
    reply = app.submit(
        "handoff_exception",
        user=REVIEWER,
        handoff_id=handoff_id,
        values=exception_state("ok", yesterday),
    )
    assert reply.body["response_action"] == "errors"
    assert set(reply.body["errors"]) == {"exception_reason", "exception_until"}
    app.settle()
    assert handoff(app).exception_by is None


@pytest.mark.parametrize("who", [CSM, AE_ID])
def test_only_reviewers_grant_exceptions_or_mark_ready(app: RunningApp, who: str) -> None:
    handoff_id = start_handoff(app)
    app.click("grant_exception", user=who, handoff_id=handoff_id)
    app.executor.drain()
    app.click("mark_ready", user=who, handoff_id=handoff_id)
    refusals = app.ephemeral_texts()
    assert refusals[0].startswith("Only a reviewer can grant an exception on this handoff")
    assert refusals[1].startswith("Only a reviewer can mark ready this handoff")
    assert f"<@{REVIEWER}>" in refusals[0]
    assert app.slack.views() == []


def test_ready_needs_an_owner_and_complete_or_excepted_fields(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("mark_ready", user=REVIEWER, handoff_id=handoff_id)
    assert app.ephemeral_texts()[-1] == "A CSM must own this handoff before it can be marked ready."
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.click("mark_ready", user=REVIEWER, handoff_id=handoff_id)
    assert app.ephemeral_texts()[-1].startswith(
        "Required fields are missing (Decision-maker contacts, Promises made in the sale)"
    )
    app.submit(
        "handoff_fields",
        user=AE_ID,
        handoff_id=handoff_id,
        values=field_state(decision_makers="Priya", promises_made="SSO"),
    )
    app.settle()
    app.click("mark_ready", user=REVIEWER, handoff_id=handoff_id)
    app.settle()
    assert app.slack.views()[-1]["callback_id"] == "handoff_ready"


def test_view_brief_is_open_to_anyone(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("view_brief", user="U0ANYONE1", handoff_id=handoff_id)
    app.settle()
    [brief] = app.slack.views()
    text = json.dumps(brief, ensure_ascii=False)
    assert brief["callback_id"] == "handoff_brief" and "Consolidate billing" in text
    assert "From the CRM" in text and "Required — missing" in text


def test_early_introduction_carries_on_when_the_deal_closes(app: RunningApp) -> None:
    reply = app.send(deal_event("evt_1", stage="Proposal/Price Quote", slack_channel_id=None))
    assert reply.status == 202 and reply.body["status"] == "upcoming"
    app.relay()
    [upcoming] = app.cards(CS_CHANNEL)
    assert "Upcoming handoff" in json.dumps(upcoming["blocks"])
    assert handoff(app).sla_due_at is None

    app.click("claim", user=CSM, handoff_id=reply.body["handoff_id"])
    app.settle()
    later = app.clock.advance(timedelta(days=3))
    app.send(deal_event("evt_2", occurred_at=later, slack_channel_id=None))
    app.settle()

    [card] = app.cards(CS_CHANNEL)
    assert card["ts"] == upcoming["ts"]  # the same card, the same thread
    row = handoff(app)
    assert row.owner_slack_id == CSM and row.status is HandoffStatus.HELD
    assert row.triggered_at == later and row.sla_due_at == later + timedelta(hours=48)
    assert "Upcoming" not in json.dumps(card["blocks"])
    assert app.thread(CS_CHANNEL)[-1]["text"].startswith(":tada: The deal is Closed Won")


def test_pre_close_stage_without_a_cs_channel_is_ignored(
    app: RunningApp, playbook: Playbook
) -> None:
    app.runtime.intake._playbook = playbook.model_copy(
        update={"channels": playbook.channels.model_copy(update={"cs_channel_id": None})}
    )
    reply = app.send(deal_event(stage="Proposal/Price Quote"))
    assert reply.status == 200 and reply.body["ignored"] is True


def test_lost_deal_closes_the_handoff_quietly(app: RunningApp) -> None:
    start_handoff(app)
    later = app.clock.advance(timedelta(hours=1))
    reply = app.send(deal_event("evt_lost", occurred_at=later, stage="Closed Lost"))
    assert reply.body["status"] == "cancelled"
    app.settle()
    card = json.dumps(app.cards()[0]["blocks"])
    assert "the deal was lost" in card and '"claim"' not in card
    assert app.thread()[-1]["text"].startswith(":white_circle: The deal is Closed Lost")
    app.click("claim", user=CSM, handoff_id=handoff(app).id)
    assert "closed" in app.ephemeral_texts()[-1]


def test_an_exception_ends_on_its_date_and_the_handoff_is_held_again(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    tomorrow = (app.clock.now() + timedelta(days=1)).date().isoformat()
    app.submit(
        "handoff_exception",
        user=REVIEWER,
        handoff_id=handoff_id,
        values=exception_state("Kickoff before the paperwork", tomorrow),
    )
    app.settle()
    assert handoff(app).status is HandoffStatus.OPEN
    app.clock.advance(timedelta(days=1))
    app.runtime.sweeper.sweep()
    assert handoff(app).status is HandoffStatus.OPEN  # the exception holds all of its last day
    app.clock.advance(timedelta(days=1))
    app.runtime.sweeper.sweep()
    app.relay()
    assert handoff(app).status is HandoffStatus.HELD
    assert any("The exception ended" in note["text"] for note in app.thread())
    assert "Held — 2 required fields missing" in json.dumps(
        app.cards()[0]["blocks"], ensure_ascii=False
    )
