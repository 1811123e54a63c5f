"""A confirmed commitment reaches the HubSpot deal: a task due when the commitment is, kept in
step with it (or one note, with `commitments.hubspot_as: note`), through the outbox and the
fake portal."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.config.playbook import Playbook
from storage.commitment_models import Commitment
from tests.conftest import AE_ID, SIGNING_SECRET, RunningApp
from tests.crm.hubspot.conftest import Portal, poll, write_back
from tests.support.commitments import choose_in_ledger
from tests.support.signing import post_to_slack_endpoint, view_submission
from tests.support.team import CSM

COMPLETE = {"handoff_success_metrics": "DSO −10 days", "handoff_decision_makers": "Priya"}


def confirmed(app: RunningApp, hubspot: Portal) -> tuple[int, str]:
    """A claimed deal with one commitment the AE proposed and the CSM confirmed."""
    poll(app)
    deal_id = hubspot.won(**COMPLETE)
    poll(app)
    app.relay()
    handoff_id = app.rows_ids()[0]
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    values: dict[str, Any] = {
        "commitment_text": {"type": "plain_text_input", "value": "SSO live by January 15"},
        "commitment_due": {"type": "datepicker", "selected_date": "2027-01-15"},
    }
    meta = json.dumps({"handoff_id": handoff_id, "commitment_id": None})
    form = view_submission(
        "handoff_commitment_form", user_id=AE_ID, handoff_id=handoff_id, values=values,
        private_metadata=meta,
    )  # fmt: skip
    post_to_slack_endpoint(app.url, form, secret=SIGNING_SECRET)
    app.settle()
    write_back(app)
    assert hubspot.fake.objects["tasks"] == {}  # proposed is not promised yet
    [row] = app.rows(Commitment)
    app.submit(
        "handoff_commitment_review",
        user=CSM,
        handoff_id=handoff_id,
        values={
            f"review_decision:{row.id}": {
                "type": "radio_buttons",
                "selected_option": {"value": "confirm"},
            }
        },
    )
    app.settle()
    write_back(app)
    return handoff_id, deal_id


def test_a_confirmed_commitment_is_one_task_on_the_deal(app: RunningApp, hubspot: Portal) -> None:
    _, deal_id = confirmed(app, hubspot)
    [(task_id, task)] = [(i, t["properties"]) for i, t in hubspot.fake.objects["tasks"].items()]
    assert task["hs_task_subject"] == "Commitment: SSO live by January 15"
    assert task["hs_timestamp"].startswith("2027-01-15")
    assert task["hs_task_status"] == "NOT_STARTED"
    assert task["hubspot_owner_id"] == hubspot.csm_owner
    assert hubspot.fake.linked("tasks", task_id, "deals") == {deal_id: {216}}
    assert app.rows(Commitment)[0].crm_task_id == task_id
    assert hubspot.fake.objects["notes"] == {}


def test_the_task_follows_the_commitment_to_its_delivery(app: RunningApp, hubspot: Portal) -> None:
    handoff_id, _ = confirmed(app, hubspot)
    [row] = app.rows(Commitment)
    choose_in_ledger(app, f"at_risk:{row.id}", user=CSM, handoff_id=handoff_id)
    write_back(app)
    [task] = [t["properties"] for t in hubspot.fake.objects["tasks"].values()]
    assert task["hs_task_subject"] == "[At risk] Commitment: SSO live by January 15"
    assert task["hs_task_status"] == "NOT_STARTED"
    choose_in_ledger(app, f"delivered:{row.id}", user=CSM, handoff_id=handoff_id)
    write_back(app)
    [only] = [t["properties"] for t in hubspot.fake.objects["tasks"].values()]  # never a second
    assert only["hs_task_status"] == "COMPLETED" and "Status: delivered" in only["hs_task_body"]
    assert only["hs_timestamp"].startswith("2027-01-15")


class TestAsNotes:
    @pytest.fixture
    def playbook(self, playbook: Playbook) -> Playbook:
        ledger = playbook.commitments.model_copy(update={"hubspot_as": "note"})
        return playbook.model_copy(update={"commitments": ledger})

    def test_the_playbook_can_ask_for_a_note(self, app: RunningApp, hubspot: Portal) -> None:
        confirmed(app, hubspot)
        assert hubspot.fake.objects["tasks"] == {}
        [note] = [n["properties"] for n in hubspot.fake.objects["notes"].values()]
        assert "Commitment: SSO live by January 15" in note["hs_note_body"]
        assert "Status: confirmed" in note["hs_note_body"]
