"""Salesforce against forgery, a first start, the API limit and hostile records.

Outbound Messages are hints read back through the API; the first poll starts at connection;
REQUEST_LIMIT_EXCEEDED pauses every call; any record the org returns can be stored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, create_engine

from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from storage.models import Handoff, InboxEvent, OutboxMessage
from tests.conftest import RunningApp, start_app
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
from tests.support.team import seed_team

OTHER = "006Dn000009ZZZZAAA"


def started(
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    org: FakeSalesforce,
    **settings: object,
) -> RunningApp:
    running = start_app(
        engine,
        slack,
        clock,
        playbook,
        settings={"salesforce_organization_id": ORG_ID, "salesforce_poll_seconds": 0, **settings},
        salesforce_connect=org.connect,
    )
    seed_team(running)
    return running


# ---- Outbound Messages are hints -------------------------------------------------------------


def test_a_forged_message_for_an_opportunity_the_org_lacks_starts_nothing(
    app: RunningApp,
    org: FakeSalesforce,
) -> None:
    reply = post_outbound(app, envelope(notification("04l5g000000FRG1", opportunity_id=OTHER)))
    assert reply.status_code == 200  # acknowledged: a hint costs one read-back, nothing more
    write_back(app)
    app.relay()
    assert app.rows(Handoff) == []
    assert not [c for c in app.slack.calls_to("chat.postMessage") if c.ok]


def test_a_message_claiming_closed_won_for_an_open_opportunity_starts_nothing(
    app: RunningApp,
    org: FakeSalesforce,
) -> None:
    org.put_opportunity(OPP, at=app.clock.now(), Name="Acme", StageName="Prospecting")
    post_outbound(app, envelope(notification("04l5g000000FRG2", stage="Closed Won")))
    write_back(app)
    assert app.rows(Handoff) == []


def test_the_message_s_own_values_are_never_read(
    app: RunningApp,
    org: FakeSalesforce,
) -> None:
    closed_won(org, app.clock.now())
    body = (
        envelope(notification("04l5g000000AAA7"))
        .replace(b"2026-11-23T08:59:00.000Z", b"not-a-date")
        .replace(b"120000.0", b"1" + b"0" * 20)
    )
    reply = post_outbound(app, body)
    assert reply.status_code == 200 and "<Ack>true</Ack>" in reply.text
    write_back(app)
    [handoff] = app.rows(Handoff)
    assert handoff.amount == 120000


def test_a_message_is_stored_whole_or_not_at_all(
    app: RunningApp,
    org: FakeSalesforce,
) -> None:
    good = [
        notification(f"04l5g00000GOOD{n}", opportunity_id=f"006Dn00000{n}GOODAAA") for n in range(3)
    ]
    bad = notification("04l5g000000BAD1", opportunity_id="not-an-id")
    reply = post_outbound(app, envelope(*good[:2], bad, good[2]))
    assert reply.status_code == 400 and "<soapenv:Fault>" in reply.text
    assert app.rows(InboxEvent) == [] and app.rows(OutboxMessage) == []
    assert post_outbound(app, envelope(*good)).status_code == 200
    assert len(app.rows(InboxEvent)) == 3 and len(app.rows(OutboxMessage)) == 3


def outbound_status(app: RunningApp, path: str, body: bytes, **headers: str) -> requests.Response:
    session = requests.Session()
    session.trust_env = False
    return session.post(
        app.url + path,
        data=body,
        headers={"Content-Type": "text/xml; charset=utf-8", **headers},
        timeout=10,
    )


def test_the_endpoint_behind_a_secret_token(
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    org: FakeSalesforce,
) -> None:
    token = "s3cret-token-0123456789"
    running = started(engine, slack, clock, playbook, org, salesforce_outbound_token=token)
    try:
        body = envelope(notification("04l5g000000TOK1"))
        for path in ("/crm/salesforce/outbound", "/crm/salesforce/outbound/wrong-token-000000"):
            reply = outbound_status(running, path, body)
            assert reply.status_code == 404 and "<soapenv:Fault>" in reply.text
        assert running.rows(InboxEvent) == []
        reply = outbound_status(running, f"/crm/salesforce/outbound/{token}", body)
        assert reply.status_code == 200 and "<Ack>true</Ack>" in reply.text
    finally:
        running.stop()  # type: ignore[attr-defined]


@pytest.mark.parametrize("length", ["²", "-1", "abc"])
def test_a_content_length_that_is_not_one_is_a_soap_fault(
    app: RunningApp,
    length: str,
) -> None:
    from tests.web.test_hostile_requests import raw_request

    status, answer = raw_request(
        app, "/crm/salesforce/outbound", {"Content-Length": length, "Content-Type": "text/xml"}
    )
    assert status == 400 and "soapenv:Fault" in answer["raw"]


def test_a_database_outage_is_a_server_fault_salesforce_retries(
    tmp_path: Path,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    org: FakeSalesforce,
) -> None:
    down = create_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'handoff.db'}")
    running = start_app(
        down,
        slack,
        clock,
        playbook,
        settings={"salesforce_organization_id": ORG_ID, "salesforce_poll_seconds": 0},
        salesforce_connect=org.connect,
    )
    try:
        reply = post_outbound(running, envelope(notification("04l5g000000DWN1")))
        assert reply.status_code == 503
        assert "<faultcode>soapenv:Server</faultcode>" in reply.text
    finally:
        running.stop()  # type: ignore[attr-defined]
        down.dispose()


# ---- the first poll --------------------------------------------------------------------------


@pytest.fixture
def fresh(
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    org: FakeSalesforce,
) -> Iterator[RunningApp]:
    running = started(engine, slack, clock, playbook, org)
    yield running
    running.stop()  # type: ignore[attr-defined]


def test_the_first_poll_starts_at_connection_not_at_the_dawn_of_the_org(
    fresh: RunningApp,
    org: FakeSalesforce,
) -> None:
    closed_won(org, fresh.clock.now() - timedelta(days=700), opportunity_id=OTHER)
    assert poll(fresh) == 0
    fresh.clock.advance(timedelta(minutes=1))
    closed_won(org, fresh.clock.now())
    assert poll(fresh) == 1
    assert [h.deal_id for h in fresh.rows(Handoff)] == [OPP]


def test_a_backfill_from_a_date_reads_what_changed_since(
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    org: FakeSalesforce,
) -> None:
    closed_won(org, clock.now() - timedelta(days=700), opportunity_id=OTHER)
    closed_won(org, clock.now() - timedelta(days=3))
    running = started(engine, slack, clock, playbook, org, crm_backfill_from="2026-11-01")
    try:
        assert running.runtime.salesforce is not None
        assert running.runtime.salesforce.poller.poll() == 1
        assert [h.deal_id for h in running.rows(Handoff)] == [OPP]
    finally:
        running.stop()  # type: ignore[attr-defined]


# ---- the API limit, shared --------------------------------------------------------------------


def test_the_poll_honours_the_limit_back_off_the_write_back_hit(
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    org: FakeSalesforce,
    caplog: pytest.LogCaptureFixture,
) -> None:
    running = started(
        engine,
        slack,
        clock,
        playbook,
        org,
        crm_backfill_from="2026-11-01",
        salesforce_limit_backoff_seconds=120,
    )
    try:
        closed_won(org, clock.now() - timedelta(minutes=1))
        poll(running)
        running.relay()
        org.fail("limit")
        with caplog.at_level(logging.INFO, logger="bot.crm"):
            write_back(running)  # the limit: every call now waits 120 s
            calls = org.api_calls
            assert poll(running) == 0 and org.api_calls == calls
            clock.advance(timedelta(seconds=100))
            assert poll(running) == 0 and org.api_calls == calls
            clock.advance(timedelta(seconds=21))
            poll(running)
            assert org.api_calls > calls
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len([w for w in warnings if "limit" in w]) >= 1
        assert any("resume" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)
    finally:
        running.stop()  # type: ignore[attr-defined]


# ---- changes the CRM causes, records it sends ------------------------------------------------


def test_a_status_change_the_crm_caused_is_written_back(
    app: RunningApp,
    org: FakeSalesforce,
) -> None:
    closed_won(org, app.clock.now() - timedelta(minutes=2))
    poll(app)
    app.relay()
    write_back(app)
    assert org.opportunities[OPP]["Handoff_Status__c"] == "Held"
    org.put_opportunity(
        OPP, at=app.clock.now() - timedelta(minutes=1), Success_Metrics__c="DSO −10 days"
    )
    from storage.models import FieldValue

    with app.runtime.sessions.begin() as session:
        handoff = session.query(Handoff).one()
        for key, value in (("decision_makers", "Priya"), ("promises_made", "SSO")):
            session.add(
                FieldValue(
                    handoff_id=handoff.id,
                    key=key,
                    value=value,
                    source="person",
                    updated_at=app.clock.now(),
                )
            )
    poll(app)
    assert app.rows(Handoff)[0].status.value == "open"
    write_back(app)
    assert org.opportunities[OPP]["Handoff_Status__c"] == "Open"


def test_records_with_values_no_column_holds_are_stored_and_the_poll_goes_on(
    app: RunningApp,
    org: FakeSalesforce,
) -> None:
    moment = app.clock.now() - timedelta(minutes=1)
    closed_won(
        org,
        moment,
        opportunity_id=OTHER,
        Name="N" * 400,
        Amount=1e17,
        Primary_Use_Case__c="billing\x00and more",
    )
    closed_won(org, moment + timedelta(seconds=1))
    assert poll(app) == 2
    hostile = next(h for h in app.rows(Handoff) if h.deal_id == OTHER)
    assert hostile.amount is None and len(hostile.deal_name) == 255


def test_write_back_outage_is_logged_once_and_its_recovery(
    app: RunningApp,
    org: FakeSalesforce,
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed_won(org, datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    poll(app)
    org.fail("5xx", times=3)
    with caplog.at_level(logging.INFO, logger="bot.crm"):
        for _ in range(4):
            write_back(app)
            app.clock.advance(timedelta(minutes=10))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "503" in warnings[0] and "handoff" in warnings[0]
    assert any("after 3 failed" in r.getMessage() for r in caplog.records)
