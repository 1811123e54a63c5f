"""Completing the record: the fields modal, inline errors, provenance, CRM conflicts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from storage.enums import FieldSource, HandoffStatus
from storage.models import FieldValue, Handoff
from tests.conftest import AE_ID, RunningApp
from tests.support.events import deal_event
from tests.support.team import (
    CSM,
    OUTSIDER,
    field_state,
    start_handoff,
)

pytestmark = pytest.mark.team


def test_add_details_opens_the_modal_prefilled_for_the_ae(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    reply = app.click("add_details", user=AE_ID, handoff_id=handoff_id)
    assert reply.status == 200
    app.settle()
    [view] = app.slack.views()
    assert view["callback_id"] == "handoff_fields"
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["field:primary_use_case"]["initial_value"] == "Consolidate billing"
    assert "initial_value" not in inputs["field:decision_makers"]
    assert inputs["field:customer_timeline"]["type"] == "datepicker"


def test_someone_else_is_refused_ephemerally_and_nothing_opens(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("add_details", user=OUTSIDER, handoff_id=handoff_id)
    [refusal] = app.ephemeral_texts()
    assert "Only the deal's AE or the handoff's owner can add details" in refusal
    assert f"the AE is <@{AE_ID}>" in refusal
    assert app.slack.views() == []
    assert app.slack.responses()[0]["response_type"] == "ephemeral"


def test_saving_part_of_the_fields_keeps_provenance_and_updates_the_card(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    values = field_state(
        decision_makers="Priya Shah (CFO)\nTom Lee (VP Finance)",
        call_recordings=" https://rec.example/1 \n\nhttps://rec.example/2",
        customer_timeline="2027-01-15",
    )
    reply = app.submit("handoff_fields", user=AE_ID, handoff_id=handoff_id, values=values)
    assert reply.status == 200 and reply.body == ""
    app.settle()

    rows = {v.key: v for v in app.rows(FieldValue)}
    assert rows["primary_use_case"].source is FieldSource.CRM
    assert rows["decision_makers"].source is FieldSource.PERSON
    assert rows["decision_makers"].set_by == AE_ID
    assert rows["call_recordings"].value == "https://rec.example/1\nhttps://rec.example/2"
    assert rows["customer_timeline"].value == "2027-01-15"
    [handoff] = app.rows(Handoff)
    assert handoff.status is HandoffStatus.HELD  # promises_made is still missing
    card = json.dumps(app.cards()[0]["blocks"], ensure_ascii=False)
    assert "(3/4)" in card and "Promises made in the sale — _missing_" in card
    [note] = app.thread()
    assert note["text"].startswith(f":pencil2: <@{AE_ID}> updated Decision-maker contacts")


@pytest.mark.parametrize(
    ("values", "block", "message"),
    [
        (field_state(call_recordings="rec.example/1"), "field:call_recordings", "Not a link"),
        (field_state(promises_made="x" * 3001), "field:promises_made", "under 3000"),
        (
            field_state(primary_use_case=""),
            "field:primary_use_case",
            "can be changed but not emptied",
        ),
    ],
)
def test_bad_input_comes_back_inline_and_saves_nothing(
    app: RunningApp, values: dict, block: str, message: str
) -> None:
    handoff_id = start_handoff(app)
    before = [(v.key, v.value) for v in app.rows(FieldValue)]
    reply = app.submit("handoff_fields", user=AE_ID, handoff_id=handoff_id, values=values)
    assert reply.status == 200
    assert reply.body["response_action"] == "errors"
    assert list(reply.body["errors"]) == [block]
    assert message in reply.body["errors"][block]
    app.settle()
    assert [(v.key, v.value) for v in app.rows(FieldValue)] == before


def test_crm_never_overwrites_what_a_person_entered(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.submit(
        "handoff_fields",
        user=AE_ID,
        handoff_id=handoff_id,
        values=field_state(primary_use_case="Replace three billing tools"),
    )
    app.settle()
    later = app.clock.now() + timedelta(minutes=5)
    app.send(deal_event("evt_2", occurred_at=later, fields={"primary_use_case": "Billing"}))
    app.settle()

    value = next(v for v in app.rows(FieldValue) if v.key == "primary_use_case")
    assert value.value == "Replace three billing tools" and value.crm_value == "Billing"
    card = json.dumps(app.cards()[0]["blocks"], ensure_ascii=False)
    assert "the CRM says “Billing”" in card
    assert any("The CRM has a different *Primary use case*" in m["text"] for m in app.thread())


def test_owner_may_add_details_too(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.submit(
        "handoff_fields", user=CSM, handoff_id=handoff_id, values=field_state(risks="Tight go-live")
    )
    app.settle()
    assert any(v.key == "risks" and v.set_by == CSM for v in app.rows(FieldValue))
