"""HubSpot end to end: the running app, the loopback fake of HubSpot following the app's clock,
and a playbook that maps the test team's deals onto HubSpot properties."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.config.hubspot_mapping import HubSpotMapping, HubSpotWriteBack, PipelineStages
from bot.config.playbook import Playbook
from bot.crm.hubspot.check import setup_hubspot
from bot.crm.hubspot.client import HubSpotClient
from bot.crm.hubspot.runtime import HubSpotAdapter
from bot.delivery.outbox import RelayReport
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from storage.enums import CrmName
from tests.conftest import AE_EMAIL, RunningApp, start_app
from tests.support.fake_hubspot import PORTAL_ID, FakeHubSpot
from tests.support.fake_hubspot_routes import Ticker
from tests.support.hubspot_webhooks import CLIENT_SECRET
from tests.support.team import seed_team, team_playbook

CSM_EMAIL = "casey@vendor.example"
REVOPS_EMAIL = "revops@vendor.example"
FIELDS = {
    "primary_use_case": "handoff_use_case",
    "success_metrics": "handoff_success_metrics",
    "decision_makers": "handoff_decision_makers",
    "promises_made": "handoff_promises",
}
WRITE_BACK = HubSpotWriteBack(
    status="handoff_status",
    owner="handoff_owner",
    ready="handoff_ready",
    ready_at="handoff_ready_at",
    slack_link="handoff_slack_link",
)
CUSTOM_PIPELINE = "7001"
CUSTOM_STAGES = [
    ("7001001", "Discovery", "0.1", "false"),
    ("7001002", "Order form out", "0.8", "false"),
    ("7001003", "Signed", "1.0", "true"),
    ("7001004", "Walked away", "0.0", "true"),
]


def hubspot_mapping(**changes: Any) -> HubSpotMapping:
    values: dict[str, Any] = {
        "pipelines": {
            "default": PipelineStages(
                closing=["closedwon"], pre_close=["contractsent"], lost=["closedlost"]
            ),
            CUSTOM_PIPELINE: PipelineStages(closing=["7001003"], lost=["7001004"]),
        },
        "fields": FIELDS,
        "write_back": WRITE_BACK,
        "task_owner": REVOPS_EMAIL,
        **changes,
    }
    return HubSpotMapping(**values)


@pytest.fixture
def playbook(playbook: Playbook) -> Playbook:
    return team_playbook(playbook).model_copy(update={"hubspot": hubspot_mapping()})


@dataclass
class Portal:
    """The fake HubSpot account the tests sell in."""

    fake: FakeHubSpot
    acme: str
    ae_owner: str
    csm_owner: str
    revops_owner: str

    def won(self, deal_id: str | None = None, **props: Any) -> str:
        """A closed-won deal of the AE with Acme, its use case filled in HubSpot."""
        values: dict[str, Any] = {
            "stage": "closedwon",
            "owner_id": self.ae_owner,
            "company_id": self.acme,
            "dealname": "Acme — Platform",
            "amount": "120000",
            "closedate": "2026-11-21T00:00:00.000Z",
            "handoff_use_case": "Consolidate billing",
            **props,
        }
        return self.fake.add_deal(deal_id, **values)


@pytest.fixture
def hubspot(clock: ManualClock, playbook: Playbook) -> Iterator[Portal]:
    fake = FakeHubSpot(clock=Ticker(follow=clock.now)).start()
    for name in FIELDS.values():
        fake.add_deal_property(name, kind="string", field_type="textarea")
    setup = setup_hubspot(
        HubSpotClient(access_token=fake.token, base_url=fake.url), playbook.hubspot
    )
    assert setup.ok, setup.lines
    fake.add_pipeline(CUSTOM_PIPELINE, "Enterprise", CUSTOM_STAGES)
    portal = Portal(
        fake=fake,
        acme=fake.add_company(name="Acme Corp"),
        ae_owner=fake.add_owner(email=AE_EMAIL, first_name="Dana"),
        csm_owner=fake.add_owner(email=CSM_EMAIL, first_name="Casey"),
        revops_owner=fake.add_owner(email=REVOPS_EMAIL, first_name="Rev"),
    )
    fake.calls.clear()
    yield portal
    fake.stop()


def hubspot_settings(fake: FakeHubSpot, **more: Any) -> dict[str, Any]:
    return {
        "hubspot_access_token": fake.token,
        "hubspot_api_url": fake.url,
        "hubspot_client_secret": CLIENT_SECRET,
        "hubspot_portal_id": PORTAL_ID,
        "hubspot_poll_seconds": 0,
        **more,
    }


@pytest.fixture
def app(
    engine: Engine, slack: FakeSlack, clock: ManualClock, playbook: Playbook, hubspot: Portal
) -> Iterator[RunningApp]:
    running = start_app(engine, slack, clock, playbook, settings=hubspot_settings(hubspot.fake))
    seed_team(running)
    yield running
    running.stop()  # type: ignore[attr-defined]


def adapter(app: RunningApp) -> HubSpotAdapter:
    found = app.runtime.crm(CrmName.HUBSPOT)
    assert isinstance(found, HubSpotAdapter)
    return found


def poll(app: RunningApp) -> int:
    return adapter(app).reader.poll()


def read_back(app: RunningApp) -> RelayReport:
    return adapter(app).reader.read_back()


def write_back(app: RunningApp) -> RelayReport:
    app.executor.drain()
    return adapter(app).writeback.run_once()


def deal(portal: Portal, deal_id: str) -> dict[str, Any]:
    return dict(portal.fake.objects["deals"][deal_id]["properties"])
