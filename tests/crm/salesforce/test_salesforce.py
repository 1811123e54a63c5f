"""Salesforce end to end: polling and Outbound Messages in, write-back out, on the real client."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine

from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from storage.enums import OutboxKind, OutboxStatus
from storage.models import Handoff, InboxEvent, OutboxMessage
from tests.conftest import AE_EMAIL, AE_ID, RunningApp, start_app
from tests.support.fake_salesforce import ORG_ID, FakeSalesforce
from tests.support.salesforce import (
    OPP,
    closed_won,
    envelope,
    notification,
    poll,
    post_outbound,
    write_back,
)
from tests.support.team import CSM, REVIEWER


def test_poll_turns_a_closed_won_opportunity_into_a_card(
    app: RunningApp, org: FakeSalesforce
) -> None:
    closed_won(org, app.clock.now() - timedelta(minutes=1), Success_Metrics__c="DSO −10 days")
    assert poll(app) == 1
    app.relay()
    [card] = app.cards(app.rows(Handoff)[0].channel_id)
    text = json.dumps(card["blocks"], ensure_ascii=False)
    assert "Handoff: Acme — Platform" in text and f"<@{AE_ID}>" in text and "(2/4)" in text
    assert f"{org.instance_url}/lightning/r/Opportunity/{OPP}/view" in text
    [handoff] = app.rows(Handoff)
    assert handoff.crm == "salesforce" and handoff.deal_id == OPP


def test_idle_poll_costs_one_call_and_the_cursor_resumes(
    app: RunningApp,
    org: FakeSalesforce,
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
) -> None:
    closed_won(org, clock.now() - timedelta(minutes=1))
    poll(app)
    before = org.api_calls
    assert poll(app) == 0
    assert org.api_calls - before == 1  # the same-second record is re-read, the inbox ignores it

    app.stop()  # type: ignore[attr-defined]
    later = clock.advance(timedelta(minutes=10))
    closed_won(org, later, opportunity_id="006SECOND00000AAA", Name="Globex — Analytics")
    restarted = start_app(
        engine,
        slack,
        clock,
        playbook,
        settings={"salesforce_organization_id": ORG_ID},
        salesforce_connect=org.connect,
    )
    try:
        assert restarted.runtime.salesforce is not None
        assert restarted.runtime.salesforce.poller.poll() == 1
        assert [h.deal_name for h in restarted.rows(Handoff)] == [
            "Acme — Platform",
            "Globex — Analytics",
        ]
    finally:
        restarted.stop()  # type: ignore[attr-defined]
        app.stop = lambda: None  # type: ignore[attr-defined]


def test_records_in_the_same_second_are_not_skipped(app: RunningApp, org: FakeSalesforce) -> None:
    moment = app.clock.now().replace(microsecond=100_000)
    closed_won(org, moment, opportunity_id="006AAAA000000001AAA")
    poll(app)
    closed_won(org, moment.replace(microsecond=900_000), opportunity_id="006AAAA000000002AAA")
    assert poll(app) == 1
    assert len(app.rows(Handoff)) == 2


def test_poll_follows_next_records_url(app: RunningApp, org: FakeSalesforce) -> None:
    org.batch_size = 3
    start = app.clock.now() - timedelta(hours=1)
    for n in range(7):
        closed_won(org, start + timedelta(seconds=n), opportunity_id=f"006PAGE{n:011d}")
    before = org.api_calls
    assert poll(app) == 7
    assert org.api_calls - before == 3  # 3 + 3 + 1 records


def test_stages_not_watched_are_not_read(app: RunningApp, org: FakeSalesforce) -> None:
    org.put_opportunity(OPP, at=app.clock.now(), Name="Acme", StageName="Prospecting")
    assert poll(app) == 0 and app.rows(Handoff) == []


# ---- write-back ------------------------------------------------------------------------------


def test_claim_ready_and_follow_up_task_land_in_the_org(
    app: RunningApp, org: FakeSalesforce
) -> None:
    closed_won(org, app.clock.now() - timedelta(minutes=1), Success_Metrics__c="DSO")
    poll(app)
    app.relay()
    handoff = app.rows(Handoff)[0]
    app.submit(
        "handoff_fields",
        user=AE_ID,
        handoff_id=handoff.id,
        values={
            "field:decision_makers": {"type": "plain_text_input", "value": "Priya"},
            "field:promises_made": {"type": "plain_text_input", "value": "SSO"},
        },
    )
    app.settle()
    app.click("claim", user=CSM, handoff_id=handoff.id)
    app.settle()
    write_back(app)
    record = org.opportunities[OPP]
    assert record["Handoff_Owner__c"] == "casey@vendor.example"
    assert record["Handoff_Status__c"] == "Open" and record["Handoff_Ready__c"] is False
    # The workspace's own permalink, asked of Slack once and kept with the card.
    [asked] = app.slack.calls_to("chat.getPermalink")
    assert record["Handoff_Slack_Link__c"] == asked.response["permalink"]
    assert record["Handoff_Slack_Link__c"].startswith("https://handoff-sandbox.slack.com/archives/")

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
    assert len(app.slack.calls_to("chat.getPermalink")) == 1
    assert record["Handoff_Status__c"] == "Ready" and record["Handoff_Ready__c"] is True
    assert record["Handoff_Ready_At__c"].startswith(app.clock.now().date().isoformat())
    [task] = org.tasks
    assert task["WhatId"] == OPP and task["OwnerId"] == "005CASEY000000AAA"
    assert task["ActivityDate"] == (app.clock.now() + timedelta(days=14)).date().isoformat()
    assert task["Subject"] == "Two-week handoff follow-up: Acme — Platform"


def test_expired_session_logs_in_again_and_retries(app: RunningApp, org: FakeSalesforce) -> None:
    closed_won(org, app.clock.now())
    poll(app)
    org.expire_session()
    closed_won(org, app.clock.now() + timedelta(seconds=5), Amount=99000.0)
    assert poll(app) == 1
    assert app.rows(Handoff)[0].amount == 99000


def test_request_limit_backs_off_and_nothing_is_lost(app: RunningApp, org: FakeSalesforce) -> None:
    closed_won(org, app.clock.now())
    poll(app)
    app.relay()
    org.fail("limit")
    report = write_back(app)
    assert report.deferred == 1 and "Handoff_Status__c" not in org.opportunities[OPP]
    app.clock.advance(timedelta(minutes=1))
    assert write_back(app).outbox_done == 0  # still backing off (5 minutes)
    app.clock.advance(timedelta(minutes=5))
    write_back(app)
    assert org.opportunities[OPP]["Handoff_Status__c"] == "Held"


def test_validation_error_is_shown_to_admins_once_and_not_retried(
    app: RunningApp, org: FakeSalesforce
) -> None:
    org.validation_rules["Handoff_Status__c"] = "Status is locked for closed deals"
    closed_won(org, app.clock.now())
    poll(app)
    app.relay()
    report = write_back(app)
    assert report.failed == 1 and "FIELD_CUSTOM_VALIDATION_EXCEPTION" in report.errors[0]
    [row] = [r for r in app.rows(OutboxMessage) if r.kind is OutboxKind.CRM_WRITE_BACK]
    assert row.status is OutboxStatus.FAILED
    app.relay()
    dms = app.dms("U0ADMIN01")
    assert len(dms) == 1 and "Status is locked for closed deals" in dms[0]
    app.clock.advance(timedelta(hours=2))
    assert write_back(app).failed == 0


def test_many_pending_updates_go_25_to_a_call(app: RunningApp, org: FakeSalesforce) -> None:
    start = app.clock.now() - timedelta(hours=1)
    for n in range(30):
        closed_won(org, start + timedelta(seconds=n), opportunity_id=f"006BULK{n:011d}")
    poll(app)
    write_back(app)
    assert org.composite_calls == [25, 5]
    assert all(
        org.opportunities[f"006BULK{n:011d}"]["Handoff_Status__c"] == "Held" for n in range(30)
    )


def test_healthz_shows_api_usage(app: RunningApp, org: FakeSalesforce) -> None:
    closed_won(org, app.clock.now())
    poll(app)
    session = requests.Session()
    session.trust_env = False
    health = session.get(app.url + "/healthz", timeout=5).json()
    assert health["salesforce_api_usage"] == f"{org.api_calls}/15000"


# ---- Outbound Messages -----------------------------------------------------------------------


def test_outbound_message_is_a_hint_read_back_through_the_api(
    app: RunningApp, org: FakeSalesforce
) -> None:
    closed_won(
        org, datetime(2026, 11, 23, 8, 59, tzinfo=UTC)
    )  # the org's own copy, with relationships
    reply = post_outbound(app, envelope(notification("04l5g000000AAA1")))
    assert reply.status_code == 200
    assert "<Ack>true</Ack>" in reply.text
    assert app.rows(Handoff) == []  # nothing is decided on the message's word
    write_back(app)  # the read-back: the record as the org has it
    [handoff] = app.rows(Handoff)
    assert handoff.deal_id == OPP and handoff.ae_email == AE_EMAIL
    app.relay()
    [card] = app.cards(app.rows(Handoff)[0].channel_id)
    assert f"<@{AE_ID}>" in json.dumps(card["blocks"])

    again = post_outbound(app, envelope(notification("04l5g000000AAA1")))
    assert again.status_code == 200 and "<Ack>true</Ack>" in again.text
    assert len([e for e in app.rows(InboxEvent) if e.source == "salesforce.om"]) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<not-xml", "Malformed XML"),
        (envelope(notification("04l1"), org_id="00D000000000000AAA"), "is not the configured org"),
        (envelope(notification("04l1", sobject="Account")), "Only Opportunity notifications"),
        (envelope(), "no Notification"),
        (
            envelope(
                *[notification(f"04l{n}", opportunity_id=f"006X{n:014d}") for n in range(101)]
            ),
            "More than 100",
        ),
    ],
)
def test_bad_outbound_messages_get_a_soap_fault_and_store_nothing(
    app: RunningApp, body: bytes, message: str
) -> None:
    reply = post_outbound(app, body)
    assert reply.status_code == 400
    assert "<faultcode>soapenv:Client</faultcode>" in reply.text and message in reply.text
    assert app.rows(InboxEvent) == [] and app.rows(Handoff) == []


def test_check_command_reports_the_org(app: RunningApp, org: FakeSalesforce) -> None:
    from bot.crm.salesforce.check import check_salesforce

    assert app.runtime.salesforce is not None
    report = check_salesforce(app.runtime.salesforce.gateway, app.runtime.playbook)
    assert report.ok, report.lines
    broken = app.runtime.playbook.salesforce.model_copy(
        update={"fields": {"primary_use_case": "Nope__c"}}
    )
    bad = check_salesforce(
        app.runtime.salesforce.gateway,
        app.runtime.playbook.model_copy(update={"salesforce": broken}),
    )
    assert not bad.ok
    assert any("Opportunity has no field Nope__c" in line for line in bad.lines)


def test_check_command_as_a_process(org: FakeSalesforce, slack: FakeSlack, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    env = {
        # `check` also checks Slack: the test's stand-in answers for it.
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_API_URL": slack.url,
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "SALESFORCE_", "HANDOFF_"))
        },
        "SALESFORCE_INSTANCE_URL": org.instance_url,
        "SALESFORCE_ACCESS_TOKEN": org.token,
        "REQUESTS_CA_BUNDLE": str(org.ca_file),  # the process trusts the fake org's CA
        "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
    }
    result = subprocess.run(
        [sys.executable, "app.py", "check"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ok    logged in to {org.instance_url}" in result.stdout
    assert "Salesforce is ready for Handoff." in result.stdout

    env["SALESFORCE_ACCESS_TOKEN"] = "wrong"
    failed = subprocess.run(
        [sys.executable, "app.py", "check"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert failed.returncode == 1
    assert "FAIL  cannot log in or describe objects" in failed.stdout


def test_sync_outcomes_and_feedback_land_as_completed_tasks(
    app: RunningApp, org: FakeSalesforce
) -> None:
    complete = {"Success_Metrics__c": "DSO"}
    closed_won(org, app.clock.now() - timedelta(minutes=1), **complete)
    poll(app)
    app.relay()
    handoff = app.rows(Handoff)[0]
    app.submit(
        "handoff_fields",
        user=AE_ID,
        handoff_id=handoff.id,
        values={
            "field:decision_makers": {"type": "plain_text_input", "value": "Priya"},
            "field:promises_made": {"type": "plain_text_input", "value": "SSO"},
        },
    )
    app.settle()
    app.click("claim", user=CSM, handoff_id=handoff.id)
    app.settle()
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
            "outcome_summary": {"type": "plain_text_input", "value": "SSO first"},
            "outcome_actions": {"type": "plain_text_input", "value": "Dana: IT intro"},
            "outcome_concerns": {"type": "plain_text_input", "value": None},
        },
    )
    app.settle()
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
            "went_well": {"type": "plain_text_input", "value": "Clear goals"},
            "missing_context": {"type": "plain_text_input", "value": "Timeline"},
            "signals": {"type": "plain_text_input", "value": "CFO engaged"},
        },
    )
    app.settle()
    write_back(app)
    subjects = {task["Subject"]: task for task in org.tasks}
    outcomes = subjects["Handoff sync outcomes: Acme — Platform"]
    assert outcomes["Status"] == "Completed" and "SSO first" in outcomes["Description"]
    assert outcomes["OwnerId"] == "005CASEY000000AAA" and outcomes["WhatId"] == OPP
    feedback = subjects["Handoff feedback: Acme — Platform"]
    assert (
        feedback["Status"] == "Completed" and "Missing context: Timeline" in feedback["Description"]
    )
    assert "Two-week handoff follow-up: Acme — Platform" in subjects
