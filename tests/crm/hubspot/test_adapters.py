"""Two CRMs in one app: each adapter delivers only its own deals' work, a source that only
triggers (the JSON webhook) gets none, and the composition root serves both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine

from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from storage.enums import CrmName, OutboxKind
from storage.models import Handoff, OutboxMessage
from tests.conftest import AE_EMAIL, RunningApp, start_app
from tests.crm.hubspot.conftest import Portal, adapter, deal, hubspot_settings, poll
from tests.support.events import deal_event
from tests.support.fake_salesforce import ORG_ID, FakeSalesforce
from tests.support.team import seed_team

OPP = "006Dn000004TmiQAAS"


@pytest.fixture
def playbook(playbook: Playbook) -> Playbook:
    mapping = playbook.salesforce.model_copy(
        update={
            "write_back": playbook.salesforce.write_back.model_copy(
                update={"status": "Handoff_Status__c"}
            )
        }
    )
    return playbook.model_copy(update={"salesforce": mapping})


@pytest.fixture
def org(tmp_path: Path) -> Iterator[FakeSalesforce]:
    fake = FakeSalesforce(tmp_path).start()
    yield fake
    fake.stop()


@pytest.fixture
def app(
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    hubspot: Portal,
    org: FakeSalesforce,
) -> Iterator[RunningApp]:
    settings = {
        "salesforce_organization_id": ORG_ID,
        "salesforce_poll_seconds": 0,
        # The Opportunity was won before this test's app connected: read it as a backfill.
        "crm_backfill_from": "2026-11-01",
        **hubspot_settings(hubspot.fake),
    }
    running = start_app(
        engine, slack, clock, playbook, settings=settings, salesforce_connect=org.connect
    )
    seed_team(running)
    yield running
    running.stop()  # type: ignore[attr-defined]


def test_each_crm_writes_back_only_its_own_deals(
    app: RunningApp, hubspot: Portal, org: FakeSalesforce
) -> None:
    assert [crm.name for crm in app.runtime.crms] == [CrmName.SALESFORCE, CrmName.HUBSPOT]
    org.put_opportunity(
        OPP,
        at=app.clock.now() - timedelta(minutes=1),
        Name="Initech — Rollout",
        StageName="Closed Won",
        ae_email=AE_EMAIL,
        account_name="Initech",
    )
    salesforce = app.runtime.salesforce
    assert salesforce is not None
    salesforce.poller.poll()
    poll(app)
    deal_id = hubspot.won()
    poll(app)
    assert app.send(deal_event("evt_json_1", id="JSON-1")).status == 202
    app.relay()

    crms = {h.crm: h.id for h in app.rows(Handoff)}
    assert set(crms) == {"salesforce", "hubspot", "webhook"}
    writes = [r for r in app.rows(OutboxMessage) if r.kind is OutboxKind.CRM_WRITE_BACK]
    assert {(r.handoff_id, r.crm) for r in writes} == {
        (crms["salesforce"], "salesforce"),
        (crms["hubspot"], "hubspot"),
    }  # nothing for the JSON webhook's deal

    assert salesforce.writeback.run_once().outbox_done == 1
    assert org.opportunities[OPP]["Handoff_Status__c"] == "Held"
    assert "handoff_status" not in deal(hubspot, deal_id)
    assert adapter(app).writeback.run_once().outbox_done == 1
    assert deal(hubspot, deal_id)["handoff_status"] == "Held"


def test_every_crm_that_takes_writes_delivers_every_kind_the_workflow_queues(
    app: RunningApp,
) -> None:
    queued = {
        OutboxKind.CRM_WRITE_BACK,
        OutboxKind.CRM_TASK,
        OutboxKind.CRM_NOTE,
        OutboxKind.CRM_COMMITMENT,
    }
    assert [set(crm.writes) for crm in app.runtime.crms] == [queued, queued]


def test_the_app_serves_both_crms_endpoints_and_figures(app: RunningApp) -> None:
    session = requests.Session()
    session.trust_env = False
    health = session.get(app.url + "/healthz", timeout=5).json()
    assert {"salesforce_api_usage", "hubspot_api_usage"} <= set(health)
    for path in ("/crm/salesforce/outbound", "/crm/hubspot/webhooks"):
        assert session.get(app.url + path, timeout=5).status_code == 405  # routed, POST only
    jobs = {job for crm in app.runtime.crms for job, _, _ in crm.jobs()}
    assert jobs == {"salesforce-writeback", "hubspot-writeback", "hubspot-read-back"}
