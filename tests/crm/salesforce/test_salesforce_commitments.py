"""Each confirmed commitment is a Task on the Opportunity, kept in sync with its status, through
the outbox and the fake org's composite API."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from storage.commitment_models import Commitment
from storage.enums import OutboxKind
from storage.models import Handoff, OutboxMessage
from tests.conftest import AE_ID, SIGNING_SECRET, RunningApp
from tests.support.commitments import choose_in_ledger
from tests.support.fake_salesforce import FakeSalesforce
from tests.support.salesforce import OPP, closed_won, poll, write_back
from tests.support.signing import post_to_slack_endpoint, view_submission
from tests.support.team import CSM


def propose(app: RunningApp, handoff_id: int, what: str, due: str | None) -> None:
    values: dict[str, Any] = {
        "commitment_text": {"type": "plain_text_input", "value": what},
        "commitment_due": {"type": "datepicker", "selected_date": due},
    }
    meta = json.dumps({"handoff_id": handoff_id, "commitment_id": None})
    form = view_submission(
        "handoff_commitment_form", user_id=AE_ID, handoff_id=handoff_id, values=values,
        private_metadata=meta,
    )  # fmt: skip
    post_to_slack_endpoint(app.url, form, secret=SIGNING_SECRET)
    app.settle()


def test_a_confirmed_commitment_is_a_task_kept_in_sync(
    app: RunningApp, org: FakeSalesforce
) -> None:
    closed_won(org, app.clock.now() - timedelta(minutes=1), Success_Metrics__c="DSO")
    poll(app)
    app.relay()
    handoff_id = app.rows(Handoff)[0].id
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    propose(app, handoff_id, "SSO live by January 15", "2027-01-15")
    write_back(app)
    assert org.tasks == []  # a proposal is not a promise yet

    [row] = app.rows(Commitment)
    choose_in_ledger(app, f"confirm:{row.id}", user=CSM, handoff_id=handoff_id)
    write_back(app)
    [task] = org.tasks
    assert task["WhatId"] == OPP and task["OwnerId"] == "005CASEY000000AAA"
    assert task["Subject"] == "Commitment: SSO live by January 15"
    assert task["ActivityDate"] == "2027-01-15" and task["Status"] == "Not Started"
    assert "Status: confirmed" in task["Description"]
    assert app.rows(Commitment)[0].crm_task_id == task["Id"]

    choose_in_ledger(app, f"at_risk:{row.id}", user=CSM, handoff_id=handoff_id)
    write_back(app)
    assert task["Status"] == "Waiting on someone else"
    assert task["Subject"] == "[At risk] Commitment: SSO live by January 15"
    choose_in_ledger(app, f"delivered:{row.id}", user=CSM, handoff_id=handoff_id)
    write_back(app)
    [only] = org.tasks  # the same Task, updated: never a second one
    assert only["Status"] == "Completed" and "Status: delivered" in only["Description"]
    assert [t for t, _ in org.task_updates] == [task["Id"], task["Id"]]
    sent = [m for m in app.rows(OutboxMessage) if m.kind is OutboxKind.CRM_COMMITMENT]
    assert {m.status.value for m in sent} == {"done"} and {m.crm for m in sent} == {"salesforce"}
