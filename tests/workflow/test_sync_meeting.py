"""The handoff sync: schedule it, the agenda and invites, the reminder, the outcomes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from icalendar import Calendar

from storage.models import Handoff
from tests.conftest import AE_ID, RunningApp
from tests.support.team import (
    COMPLETE,
    CSM,
    OUTSIDER,
    REVIEWER,
    start_handoff,
)

pytestmark = pytest.mark.team


def claimed(app: RunningApp) -> int:
    handoff_id = start_handoff(app, fields=COMPLETE)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    return handoff_id


def sync_values(start: int, minutes: str = "20", people: list[str] | None = None) -> dict:
    return {
        "sync_start": {"type": "datetimepicker", "selected_date_time": start},
        "sync_minutes": {"type": "radio_buttons", "selected_option": {"value": minutes}},
        "sync_attendees": {"type": "multi_users_select", "selected_users": people or [AE_ID, CSM]},
    }


def test_schedule_sync_opens_a_prefilled_modal(app: RunningApp) -> None:
    handoff_id = claimed(app)
    app.click("schedule_sync", user=AE_ID, handoff_id=handoff_id)
    app.settle()
    view = app.slack.views()[-1]
    assert view["callback_id"] == "handoff_sync"
    who = next(b for b in view["blocks"] if b.get("block_id") == "sync_attendees")
    assert who["element"]["initial_users"] == [AE_ID, CSM, REVIEWER]
    durations = next(b for b in view["blocks"] if b.get("block_id") == "sync_minutes")
    assert [o["value"] for o in durations["element"]["options"]] == ["15", "20", "30"]


def test_bad_times_and_durations_come_back_inline(app: RunningApp) -> None:
    handoff_id = claimed(app)
    past = int((app.clock.now() - timedelta(hours=1)).timestamp())
    reply = app.submit(
        "handoff_sync", user=CSM, handoff_id=handoff_id, values=sync_values(past, "45")
    )
    assert reply.body["response_action"] == "errors"
    assert set(reply.body["errors"]) == {"sync_start", "sync_minutes"}


def test_sync_posts_the_agenda_invites_everyone_reminds_and_asks_for_outcomes(
    app: RunningApp,
) -> None:
    handoff_id = claimed(app)
    start = app.clock.now() + timedelta(days=1)
    reply = app.submit(
        "handoff_sync",
        user=CSM,
        handoff_id=handoff_id,
        values=sync_values(int(start.timestamp()), "20", [AE_ID, REVIEWER]),
    )
    assert reply.status == 200 and reply.body == ""
    app.settle()
    row = app.rows(Handoff)[0]
    assert row.sync_at == start and row.sync_minutes == 20
    assert row.sync_attendees == sorted([AE_ID, REVIEWER, CSM])
    agenda = app.thread()[-1]["text"]
    assert (
        "scheduled the handoff sync" in agenda
        and "CSM: confirm readiness for the customer kickoff" in agenda
    )
    card = json.dumps(app.cards()[0]["blocks"], ensure_ascii=False)
    assert ":handshake: Handoff sync <!date" in card and "(20 min)" in card
    assert '"capture_outcomes"' in card

    invites = app.slack.uploads()
    assert sorted(i["channel"] for i in invites) == sorted(f"D{u}" for u in (AE_ID, REVIEWER, CSM))
    event = Calendar.from_ical(invites[0]["content"]).walk("VEVENT")[0]
    assert event["SUMMARY"] == "Handoff sync: Acme — Platform"
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + timedelta(minutes=20)
    assert (
        "calendar.google.com" in invites[0]["comment"]
        and "outlook.office.com" in invites[0]["comment"]
    )

    def sweep_to(moment):  # type: ignore[no-untyped-def]
        app.clock.set(moment)
        app.runtime.sweeper.sweep()
        app.relay()

    sweep_to(start - timedelta(minutes=16))
    reminders = [
        c for c in app.slack.calls_to("chat.postMessage") if "starts at" in str(c.args.get("text"))
    ]
    assert reminders == []
    sweep_to(start - timedelta(minutes=14))
    reminders = [
        c
        for c in app.slack.calls_to("chat.postMessage")
        if c.ok and "starts at" in str(c.args.get("text"))
    ]
    assert sorted(c.args["channel"] for c in reminders) == sorted([AE_ID, REVIEWER, CSM])

    sweep_to(start + timedelta(minutes=21))
    [prompt] = [
        c
        for c in app.slack.calls_to("chat.postMessage")
        if c.ok and "capture the" in str(c.args.get("text"))
    ]
    assert prompt.args["channel"] == CSM

    app.click("capture_outcomes", user=CSM, handoff_id=handoff_id)
    app.settle()
    assert app.slack.views()[-1]["callback_id"] == "handoff_outcomes"
    app.submit(
        "handoff_outcomes",
        user=CSM,
        handoff_id=handoff_id,
        values={
            "outcome_summary": {"type": "plain_text_input", "value": "Customer wants SSO first"},
            "outcome_actions": {"type": "plain_text_input", "value": "Dana: intro to IT lead"},
            "outcome_concerns": {"type": "plain_text_input", "value": None},
        },
    )
    app.settle()
    assert app.rows(Handoff)[0].sync_outcomes["summary"] == "Customer wants SSO first"
    note = app.thread()[-1]["text"]
    assert "captured the sync outcomes" in note and "Dana: intro to IT lead" in note


def test_only_owner_or_ae_schedule(app: RunningApp) -> None:
    handoff_id = claimed(app)
    app.click("schedule_sync", user=OUTSIDER, handoff_id=handoff_id)
    assert app.ephemeral_texts()[-1].startswith(
        "Only the handoff's owner or the deal's AE can schedule"
    )
