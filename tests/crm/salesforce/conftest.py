"""The Salesforce tests' org, playbook and running app (the org's deals of the last weeks read
in, as an admin connecting it would ask with CRM_BACKFILL_FROM)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from tests.conftest import RunningApp, start_app
from tests.support.fake_salesforce import ORG_ID, FakeSalesforce
from tests.support.team import seed_team, team_playbook


@pytest.fixture
def playbook(playbook: Playbook) -> Playbook:
    team = team_playbook(playbook)
    mapping = team.salesforce.model_copy(
        update={
            "fields": {
                "primary_use_case": "Primary_Use_Case__c",
                "success_metrics": "Success_Metrics__c",
            },
            "write_back": team.salesforce.write_back.model_copy(
                update={
                    "status": "Handoff_Status__c",
                    "owner": "Handoff_Owner__c",
                    "ready": "Handoff_Ready__c",
                    "ready_at": "Handoff_Ready_At__c",
                    "slack_link": "Handoff_Slack_Link__c",
                }
            ),
        }
    )
    channels = team.channels.model_copy(update={"cs_channel_id": None})
    return team.model_copy(update={"salesforce": mapping, "channels": channels})


@pytest.fixture
def org(tmp_path: Path) -> Iterator[FakeSalesforce]:
    fake = FakeSalesforce(tmp_path).start()
    fake.users["casey@vendor.example"] = "005CASEY000000AAA"
    yield fake
    fake.stop()


@pytest.fixture
def app(
    engine: Engine, slack: FakeSlack, clock: ManualClock, playbook: Playbook, org: FakeSalesforce
) -> Iterator[RunningApp]:
    running = start_app(
        engine,
        slack,
        clock,
        playbook,
        settings={
            "salesforce_organization_id": ORG_ID,
            "salesforce_poll_seconds": 0,
            "crm_backfill_from": "2026-11-01",
        },
        salesforce_connect=org.connect,
    )
    seed_team(running)
    yield running
    running.stop()  # type: ignore[attr-defined]
