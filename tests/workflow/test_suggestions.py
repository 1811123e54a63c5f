"""Where suggestions show: the details modal pre-filled with quotes (through the Slack
stand-in), keeping one records where it came from, a person's value is never replaced, the
card's waiting count, the brief's sources, and an LLM endpoint against a loopback fake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from storage.commitment_models import Commitment
from storage.enums import CommitmentStatus, FieldSource, SuggestionStatus
from storage.models import AuditEvent, FieldValue
from tests.conftest import AE_ID, RunningApp, start_app
from tests.support.context import (
    METRIC,
    PROMISE_QUOTE,
    USE_CASE,
    card_text,
    open_details,
    post_transcript,
    settle_context,
    submit_modal,
    suggestions,
    transcript_body,
)
from tests.support.fake_openai import FakeOpenAI, Reply, running_fake
from tests.support.team import REVIEWER, start_handoff

pytestmark = pytest.mark.team


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def notes(view: dict[str, Any]) -> dict[str, str]:
    return {
        b["block_id"]: " ".join(e["text"] for e in b["elements"])
        for b in view["blocks"]
        if b["type"] == "context" and b.get("block_id", "").startswith("suggestion:")
    }


def field(app: RunningApp, key: str) -> FieldValue | None:
    return next((f for f in app.rows(FieldValue) if f.key == key), None)


def with_call(app: RunningApp, fields: dict[str, str] | None = None, **body: Any) -> int:
    handoff_id = start_handoff(app, fields=fields if fields is not None else {})
    assert post_transcript(app, transcript_body(**body)).status == 202
    settle_context(app)
    return handoff_id


def test_the_modal_prefills_every_empty_field_with_its_suggestion_and_quote(
    app: RunningApp,
) -> None:
    handoff_id = with_call(app)
    view = open_details(app, user=AE_ID, handoff_id=handoff_id)
    got = inputs(view)
    assert got["field:primary_use_case"]["initial_value"] == USE_CASE
    assert got["field:success_metrics"]["initial_value"] == METRIC
    assert got["field:customer_timeline"]["initial_date"] == "2027-03-31"
    assert got["field:call_recordings"]["initial_value"] == "https://acme.gong.io/call?id=1"
    # The ledger writes promises_made (the Commitments modal edits it): it is not typed here.
    assert "field:promises_made" not in got
    said = notes(view)
    assert said["suggestion:primary_use_case"] == (
        ":bulb: _Suggestion_: From the 20 Nov discovery call, 12:31 — Priya Shah, CFO: "
        f"“{USE_CASE}”"
    )
    # Promises go to the commitments ledger (proposed, with their quote), which writes the
    # field's summary; the field gets no suggestion of its own.
    assert "suggestion:promises_made" not in said
    [promise] = app.rows(Commitment)
    assert promise.promised_by == "Dana Ae" and PROMISE_QUOTE in (promise.source_quote or "")
    assert promise.status is CommitmentStatus.PROPOSED
    assert "recording link sent with the transcript" in said["suggestion:call_recordings"]
    assert "empty fields filled in from the deal's calls" in json.dumps(view)
    assert json.loads(view["private_metadata"])["suggested"]["primary_use_case"]


def test_keeping_a_suggestion_records_where_it_came_from_and_who_confirmed_it(
    app: RunningApp,
) -> None:
    handoff_id = with_call(app)
    view = open_details(app, user=AE_ID, handoff_id=handoff_id)
    assert submit_modal(app, view, user=AE_ID, risks=None).status == 200
    kept = field(app, "primary_use_case")
    assert kept is not None and kept.value == USE_CASE
    assert (kept.source, kept.set_by) == (FieldSource.PERSON, AE_ID)
    assert kept.suggested_from == "the 20 Nov discovery call, 12:31 — Priya Shah, CFO"
    assert kept.suggested_quote == USE_CASE
    statuses = {s.field_key: s.status for s in suggestions(app)}
    assert statuses["primary_use_case"] is SuggestionStatus.KEPT
    assert "waits for" not in card_text(app) and "wait for" not in card_text(app)
    # The brief credits the source and the person who confirmed it.
    app.click("view_brief", user=REVIEWER, handoff_id=handoff_id)
    app.settle()
    brief = json.dumps(app.slack.views()[-1], ensure_ascii=False)
    assert "Suggested from the 20 Nov discovery call, 12:31 — Priya Shah, CFO" in brief
    assert f"confirmed by <@{AE_ID}>" in brief
    [audit] = [a for a in app.rows(AuditEvent) if a.action.value == "field_set"]
    assert audit.detail["suggested"]["primary_use_case"].startswith("the 20 Nov discovery call")


def test_a_cleared_suggestion_is_dismissed_and_not_proposed_again(app: RunningApp) -> None:
    handoff_id = with_call(app)
    view = open_details(app, user=AE_ID, handoff_id=handoff_id)
    submit_modal(app, view, user=AE_ID, success_metrics="", primary_use_case="Billing, in my words")
    assert field(app, "success_metrics") is None
    mine = field(app, "primary_use_case")
    assert mine is not None and mine.suggested_from is None  # typed, not kept
    statuses = {s.field_key: s.status for s in suggestions(app)}
    assert statuses["success_metrics"] is SuggestionStatus.DISMISSED
    assert statuses["primary_use_case"] is SuggestionStatus.DISMISSED
    # The same call sent again under a new id: the dismissed value is not offered again.
    post_transcript(app, transcript_body(id="gong-call-1-again", title="discovery call"))
    settle_context(app)
    again = open_details(app, user=AE_ID, handoff_id=handoff_id)
    assert "initial_value" not in inputs(again)["field:success_metrics"]


def test_a_value_a_person_entered_is_never_replaced(app: RunningApp) -> None:
    handoff_id = start_handoff(app, fields={})
    first = open_details(app, user=AE_ID, handoff_id=handoff_id)
    submit_modal(app, first, user=AE_ID, primary_use_case="Payroll in one place")
    # A call after the field was confirmed adds suggestions; it never changes the value.
    post_transcript(app, transcript_body())
    settle_context(app)
    mine = field(app, "primary_use_case")
    assert mine is not None and mine.value == "Payroll in one place"
    view = open_details(app, user=AE_ID, handoff_id=handoff_id)
    assert inputs(view)["field:primary_use_case"]["initial_value"] == "Payroll in one place"
    assert notes(view)["suggestion:primary_use_case"] == (
        f":bulb: _Also said_: From the 20 Nov discovery call, 12:31 — Priya Shah, CFO: “{USE_CASE}”"
    )
    # Saving the modal as it stands keeps the person's value; the other suggestion is dismissed.
    submit_modal(app, view, user=AE_ID)
    assert field(app, "primary_use_case").value == "Payroll in one place"  # type: ignore[union-attr]
    [offered] = suggestions(app, field_key="primary_use_case")
    assert offered.status is SuggestionStatus.DISMISSED


def test_a_crm_value_is_not_replaced_and_an_equal_suggestion_is_not_counted(
    app: RunningApp,
) -> None:
    with_call(app, fields={"primary_use_case": USE_CASE, "success_metrics": "DSO −10 days"})
    text = card_text(app)
    # use case: the CRM already says it; metrics: the CRM's value stands, the call's waits.
    assert "suggestion" in text
    crm = field(app, "success_metrics")
    assert crm is not None and (crm.value, crm.source) == ("DSO −10 days", FieldSource.CRM)
    waiting = {s.field_key for s in suggestions(app, status=SuggestionStatus.PENDING)}
    assert {"primary_use_case", "success_metrics"} <= waiting
    count = int(text.split(":bulb: ")[1].split(" ")[0])
    assert count == len(waiting) - 1  # the use case equal to the CRM's value waits for no one


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    with running_fake(model="test-model") as fake:
        yield fake


@pytest.fixture
def llm_app(
    engine: Engine, slack: FakeSlack, clock: ManualClock, playbook: Playbook, llm: FakeOpenAI
) -> Iterator[RunningApp]:
    settings = {
        "llm_base_url": llm.base_url,
        "llm_model": "test-model",
        "llm_api_key": "test-key",
        "llm_timeout_seconds": 0.5,
    }
    app = start_app(engine, slack, clock, playbook, settings)
    yield app
    app.stop()  # type: ignore[attr-defined]


def answer(**found: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("use_case", "success_metrics", "stakeholders", "commitments", "timeline")
    return {k: [] for k in (*keys, "recordings", "risks")} | found


def test_with_an_llm_only_verified_quotes_become_suggestions(
    llm_app: RunningApp, llm: FakeOpenAI
) -> None:
    app = llm_app
    invented = "We expect to cut DSO in half within a month."
    llm.replies.append(
        Reply.answer(
            answer(
                use_case=[{"value": "Consolidate billing", "quote": USE_CASE, "speaker": None}],
                success_metrics=[{"value": "DSO halved", "quote": invented, "speaker": None}],
            )
        )
    )
    with_call(app)
    found = suggestions(app)
    assert {(s.field_key, s.value, s.extractor) for s in found} == {
        ("primary_use_case", "Consolidate billing", "llm"),
        ("call_recordings", "https://acme.gong.io/call?id=1", "llm"),
    }
    [use_case] = found[:1]
    assert (use_case.speaker, use_case.at) == ("Priya Shah", "00:12:31")
    # What left the server: the transcript's lines, fenced as data, to the configured model.
    [request] = llm.requests
    assert f"[00:12:31] Priya Shah: {USE_CASE}" in request["messages"][1]["content"]


def test_with_an_llm_that_times_out_the_built_in_extractor_answers(
    llm_app: RunningApp, llm: FakeOpenAI
) -> None:
    llm.replies.append(Reply.stall(5, answer()))
    with_call(llm_app)
    found = suggestions(llm_app, field_key="primary_use_case")
    assert [(s.value, s.extractor) for s in found] == [(USE_CASE, "builtin")]
