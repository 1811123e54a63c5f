"""Follow-up tasks and activity records on the deal: whose they are, and tasks instead of
notes when the playbook says so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config.playbook import Playbook
from tests.conftest import AE_ID, RunningApp
from tests.crm.hubspot.conftest import REVOPS_EMAIL, Portal, hubspot_mapping, poll, write_back
from tests.support.team import ADMIN, CSM, CSM_IN_GROUP, REVIEWER, team_playbook

COMPLETE = {
    "handoff_success_metrics": "DSO −10 days",
    "handoff_decision_makers": "Priya Shah (CFO)",
    "handoff_promises": "SSO in month one",
}


def ready(app: RunningApp, hubspot: Portal, csm: str) -> tuple[int, str]:
    poll(app)
    deal_id = hubspot.won(**COMPLETE)
    poll(app)
    app.relay()
    handoff_id = app.rows_ids()[0]
    app.click("claim", user=csm, handoff_id=handoff_id)
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
    return handoff_id, deal_id


def test_a_csm_who_is_no_hubspot_user_gets_the_task_owner_and_the_admins_hear(
    app: RunningApp, hubspot: Portal
) -> None:
    ready(app, hubspot, CSM_IN_GROUP)
    write_back(app)
    [task] = [t["properties"] for t in hubspot.fake.objects["tasks"].values()]
    assert task["hubspot_owner_id"] == hubspot.revops_owner
    app.relay()
    [dm] = app.dms(ADMIN)
    assert f"No HubSpot user has the email {CSM_IN_GROUP.lower()}@vendor.example" in dm
    assert REVOPS_EMAIL in dm


class TestActivitiesAsTasks:
    @pytest.fixture
    def playbook(self, playbook: Playbook) -> Playbook:
        return team_playbook(playbook).model_copy(
            update={"hubspot": hubspot_mapping(activities="tasks", follow_up_days=7)}
        )

    def test_outcomes_become_a_completed_task_on_the_deal(
        self, app: RunningApp, hubspot: Portal
    ) -> None:
        handoff_id, deal_id = ready(app, hubspot, CSM)
        start = app.clock.now() + timedelta(hours=2)
        app.submit(
            "handoff_sync",
            user=CSM,
            handoff_id=handoff_id,
            values={
                "sync_start": {
                    "type": "datetimepicker",
                    "selected_date_time": int(start.timestamp()),
                },
                "sync_minutes": {"type": "radio_buttons", "selected_option": {"value": "15"}},
                "sync_attendees": {"type": "multi_users_select", "selected_users": [AE_ID]},
            },
        )
        app.settle()
        app.submit(
            "handoff_outcomes",
            user=CSM,
            handoff_id=handoff_id,
            values={
                "outcome_summary": {"type": "plain_text_input", "value": "SSO first"},
                "outcome_actions": {"type": "plain_text_input", "value": "Dana: IT intro"},
                "outcome_concerns": {"type": "plain_text_input", "value": None},
            },
        )
        app.settle()
        write_back(app)
        tasks = {
            t["properties"]["hs_task_subject"]: (task_id, t["properties"])
            for task_id, t in hubspot.fake.objects["tasks"].items()
        }
        follow_up = tasks["Two-week handoff follow-up: Acme — Platform"][1]
        assert follow_up["hs_timestamp"].startswith(
            (app.clock.now() + timedelta(days=7)).date().isoformat()
        )
        task_id, outcomes = tasks["Handoff sync outcomes: Acme — Platform"]
        assert outcomes["hs_task_status"] == "COMPLETED" and "SSO first" in outcomes["hs_task_body"]
        assert outcomes["hubspot_owner_id"] == hubspot.csm_owner
        assert hubspot.fake.linked("tasks", task_id, "deals") == {deal_id: {216}}
        assert hubspot.fake.objects["notes"] == {}


def test_a_date_property_gets_the_day_and_a_user_property_the_owner_id(
    app: RunningApp, hubspot: Portal
) -> None:
    properties = hubspot.fake.deal_properties
    properties["handoff_ready_at"] |= {"type": "date", "fieldType": "date"}
    properties["handoff_owner"] |= {
        "type": "enumeration",
        "fieldType": "select",
        "referencedObjectType": "OWNER",
    }
    _, deal_id = ready(app, hubspot, CSM)
    write_back(app)
    values = hubspot.fake.objects["deals"][deal_id]["properties"]
    assert values["handoff_ready_at"] == app.clock.now().date().isoformat()
    assert values["handoff_owner"] == hubspot.csm_owner
