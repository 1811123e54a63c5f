"""Stored context stays within bounds: `/handoff forget <deal>` (admins only, ephemeral) and
retention on the injected clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storage.context_models import (
    ContextCommitment,
    ContextSource,
    ContextStakeholder,
    ContextSuggestion,
)
from storage.models import AuditEvent, FieldValue
from tests.conftest import AE_ID, DEAL_CHANNEL, RunningApp
from tests.support.context import (
    SLACK_METRIC,
    USE_CASE,
    card_text,
    channel,
    open_details,
    post_transcript,
    settle_context,
    sources,
    submit_modal,
    transcript_body,
)
from tests.support.team import ADMIN, CSM, start_handoff

pytestmark = pytest.mark.team


def counts(app: RunningApp) -> dict[str, int]:
    with app.runtime.sessions.begin() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (ContextSource, ContextSuggestion, ContextStakeholder, ContextCommitment)
        }


def a_deal_with_context(app: RunningApp) -> int:
    handoff_id = start_handoff(app, fields={})
    post_transcript(app, transcript_body())
    channel(app).say(DEAL_CHANNEL, CSM, SLACK_METRIC, at=app.clock.now())
    settle_context(app)
    return handoff_id


def test_only_an_admin_can_forget_and_the_answer_is_private(app: RunningApp) -> None:
    a_deal_with_context(app)
    before = counts(app)
    app.command("forget Acme", user=AE_ID)
    [refusal] = app.ephemeral_texts()
    assert "Only a Handoff admin can forget a deal's context" in refusal
    assert f"<@{ADMIN}>" in refusal
    assert counts(app) == before
    assert app.slack.responses()[0]["response_type"] == "ephemeral"


def test_forget_deletes_a_deals_context_and_keeps_what_people_confirmed(
    app: RunningApp,
) -> None:
    handoff_id = a_deal_with_context(app)
    view = open_details(app, user=AE_ID, handoff_id=handoff_id)
    submit_modal(app, view, user=AE_ID)
    assert counts(app)["context_stakeholders"] > 0 and counts(app)["context_commitments"] > 0
    app.command("forget Acme — Platform", user=ADMIN)
    [answer] = app.ephemeral_texts()
    assert answer.startswith(":wastebasket: Deleted the stored context of *Acme — Platform*")
    assert "1 call, 1 channel message and" in answer
    assert counts(app) == dict.fromkeys(counts(app), 0)
    kept = next(f for f in app.rows(FieldValue) if f.key == "primary_use_case")
    assert kept.value == USE_CASE and kept.suggested_from is not None
    assert kept.suggested_quote is None and kept.suggestion_id is None
    app.relay()
    assert ":bulb:" not in card_text(app)
    [audit] = [a for a in app.rows(AuditEvent) if a.action.value == "context_forgotten"]
    assert audit.actor == ADMIN and audit.detail["calls"] == 1


def test_forget_by_crm_id_reaches_transcripts_waiting_for_their_deal(app: RunningApp) -> None:
    post_transcript(app, transcript_body(deal_id="006NOTYET"))
    app.command("forget 006NOTYET", user=ADMIN)
    [answer] = app.ephemeral_texts()
    assert "Deleted the stored context of *006NOTYET*: 1 call" in answer
    assert sources(app) == []


def test_retention_deletes_context_older_than_retention_days(app: RunningApp) -> None:
    a_deal_with_context(app)
    days = app.runtime.playbook.context.retention_days
    app.clock.advance(timedelta(days=days - 10))
    newer = channel(app).say(
        DEAL_CHANNEL, CSM, SLACK_METRIC.replace("10", "11"), at=app.clock.now()
    )
    settle_context(app)
    assert app.runtime.context_upkeep.purge_expired() == 0  # the call was on 20 Nov: not yet
    app.clock.advance(timedelta(days=11))
    assert app.runtime.context_upkeep.purge_expired() == 2  # the call and the first message
    [left] = sources(app)
    assert left.message_ts == newer.envelope["event"]["ts"]
    app.relay()
    assert "1 suggestion from calls" in card_text(app)
