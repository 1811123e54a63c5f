"""A HubSpot deal's whole handoff: a signed webhook in, the deal read back, the card, the
people's work in Slack, and every result written back to HubSpot, on the real client."""

from __future__ import annotations

import json
from datetime import timedelta

from storage.models import Handoff
from tests.conftest import AE_ID, RunningApp
from tests.crm.hubspot.conftest import CSM_EMAIL, Portal, deal, read_back, write_back
from tests.support.hubspot_webhooks import post_webhook, stage_change
from tests.support.team import CSM, REVIEWER

UPDATE = "/crm/v3/objects/deals/batch/update"
TASKS, NOTES = "/crm/v3/objects/tasks", "/crm/v3/objects/notes"


def plain(value: str | None) -> dict[str, object]:
    return {"type": "plain_text_input", "value": value}


def test_a_closed_won_deal_from_webhook_to_follow_up_task_and_notes(
    app: RunningApp, hubspot: Portal
) -> None:
    fake = hubspot.fake
    deal_id = hubspot.won(handoff_success_metrics="DSO −10 days")
    reply = post_webhook(
        app.url, [stage_change(1, deal_id, at=app.clock.now())], at=app.clock.now()
    )
    assert reply.status == 200
    read_back(app)
    app.relay()
    handoff = app.rows(Handoff)[0]
    [card] = app.cards(handoff.channel_id or "")
    text = json.dumps(card["blocks"], ensure_ascii=False)
    assert "Handoff: Acme — Platform" in text and f"<@{AE_ID}>" in text and "(2/4)" in text
    assert f"/contacts/{fake.portal_id}/record/0-3/{deal_id}" in text  # Open in CRM

    write_back(app)
    [update] = fake.calls_to(UPDATE)
    assert update.body["inputs"] == [
        {
            "id": deal_id,
            "properties": {
                "handoff_status": "Held",
                "handoff_owner": "",
                "handoff_ready": "false",
                "handoff_ready_at": "",
                "handoff_slack_link": f"https://slack.com/archives/{handoff.channel_id}/"
                f"p{(handoff.card_ts or '').replace('.', '')}",
            },
        }
    ]
    assert deal(hubspot, deal_id)["handoff_status"] == "Held"

    app.submit(
        "handoff_fields",
        user=AE_ID,
        handoff_id=handoff.id,
        values={"field:decision_makers": plain("Priya"), "field:promises_made": plain("SSO")},
    )
    app.settle()
    app.click("claim", user=CSM, handoff_id=handoff.id)
    app.settle()
    write_back(app)
    assert deal(hubspot, deal_id)["handoff_status"] == "Open"
    assert deal(hubspot, deal_id)["handoff_owner"] == CSM_EMAIL
    assert len(fake.calls_to(UPDATE)) == 2  # the two changes since went out as one write

    ready_at = app.clock.now()
    app.submit(
        "handoff_ready",
        user=REVIEWER,
        handoff_id=handoff.id,
        values={
            "ready_confirm": {
                "type": "checkboxes",
                "selected_options": [{"value": "brief_reviewed"}],
            }
        },
    )
    app.settle()
    write_back(app)
    props = deal(hubspot, deal_id)
    assert props["handoff_status"] == "Ready" and props["handoff_ready"] == "true"
    assert props["handoff_ready_at"].startswith(ready_at.date().isoformat())
    [task_id] = fake.objects["tasks"]
    task = fake.objects["tasks"][task_id]["properties"]
    assert task["hs_task_subject"] == "Two-week handoff follow-up: Acme — Platform"
    assert task["hubspot_owner_id"] == hubspot.csm_owner  # the CSM, found by email
    assert task["hs_task_status"] == "NOT_STARTED"
    assert task["hs_timestamp"].startswith((ready_at + timedelta(days=14)).date().isoformat())
    assert fake.linked("tasks", task_id, "deals") == {deal_id: {216}}

    start = app.clock.now() + timedelta(hours=2)
    app.submit(
        "handoff_sync",
        user=CSM,
        handoff_id=handoff.id,
        values={
            "sync_start": {"type": "datetimepicker", "selected_date_time": int(start.timestamp())},
            "sync_minutes": {"type": "radio_buttons", "selected_option": {"value": "30"}},
            "sync_attendees": {"type": "multi_users_select", "selected_users": [AE_ID]},
        },
    )
    app.settle()
    app.submit(
        "handoff_outcomes",
        user=CSM,
        handoff_id=handoff.id,
        values={
            "outcome_summary": plain("SSO first <b>"),
            "outcome_actions": plain("Dana: IT intro"),
            "outcome_concerns": plain(None),
        },
    )
    app.settle()
    app.submit(
        "handoff_kickoff",
        user=CSM,
        handoff_id=handoff.id,
        values={
            "kickoff_day": {
                "type": "datepicker",
                "selected_date": app.clock.now().date().isoformat(),
            }
        },
    )
    app.settle()
    app.submit(
        "handoff_feedback",
        user=CSM,
        handoff_id=handoff.id,
        values={
            "went_well": plain("Clear goals"),
            "missing_context": plain("Timeline"),
            "signals": plain("CFO engaged"),
        },
    )
    app.settle()
    write_back(app)
    notes = {
        note_id: record["properties"]["hs_note_body"]
        for note_id, record in fake.objects["notes"].items()
    }
    outcomes = next(n for n, body in notes.items() if "Handoff sync outcomes" in body)
    assert "SSO first &lt;b&gt;" in notes[outcomes]  # escaped: HubSpot renders notes as HTML
    feedback = next(n for n, body in notes.items() if "Handoff feedback" in body)
    assert "Timeline" in notes[feedback]
    for note_id in (outcomes, feedback):
        assert fake.linked("notes", note_id, "deals") == {deal_id: {214}}
    assert len(fake.objects["tasks"]) == 1
