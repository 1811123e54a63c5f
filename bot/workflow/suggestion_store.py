"""Storing what an extraction found for some sources: stakeholders and commitments as found,
and suggestions by difference, so a suggestion's id (held by an open modal) survives a re-read
and a decided one stays decided."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.context import Commitment, FieldSuggestion, Stakeholder
from bot.workflow.suggestion_rows import value_key
from storage.context_models import ContextCommitment, ContextStakeholder, ContextSuggestion
from storage.enums import SuggestionStatus


def store_findings(
    session: Session,
    handoff_id: int,
    ids: list[int],
    *,
    extractor: str,
    suggestions: list[tuple[int, str, FieldSuggestion]],
    stakeholders: list[tuple[int, Stakeholder]],
    commitments: list[tuple[int, Commitment]],
    now: datetime,
) -> int:
    """Make what is stored for these sources what was just found in them; the number of new
    suggestions that wait for the AE."""
    for model in (ContextStakeholder, ContextCommitment):
        session.execute(delete(model).where(model.source_id.in_(ids)))
    session.add_all(
        ContextStakeholder(
            handoff_id=handoff_id, source_id=sid, name=p.name[:200],
            title=(p.title or None) and p.title[:200], email=p.email, side=p.side,
            quote=p.quote,
        )
        for sid, p in stakeholders
        if sid in ids
    )  # fmt: skip
    session.add_all(
        ContextCommitment(
            handoff_id=handoff_id, source_id=sid, text=c.text, by=c.by and c.by[:200],
            due=c.due, quote=c.quote, at=c.at,
        )
        for sid, c in commitments
        if sid in ids
    )  # fmt: skip
    existing = {
        (row.source_id, row.field_key, row.value_key): row
        for row in session.scalars(
            select(ContextSuggestion).where(ContextSuggestion.source_id.in_(ids))
        )
    }
    new: dict[tuple[int, str, str], FieldSuggestion] = {}
    for sid, key, item in suggestions:
        if sid in ids and item.value.strip():
            new.setdefault((sid, key, value_key(item.value)), item)
    for identity, row in existing.items():
        if identity not in new and row.status is SuggestionStatus.PENDING:
            session.delete(row)
    # A value the AE already kept or dismissed for this field stays decided, whichever
    # call or message says it again.
    decided = {
        f"{field_key}:{digest}": status
        for field_key, digest, status in session.execute(
            select(
                ContextSuggestion.field_key,
                ContextSuggestion.value_key,
                ContextSuggestion.status,
            ).where(
                ContextSuggestion.handoff_id == handoff_id,
                ContextSuggestion.status != SuggestionStatus.PENDING,
            )
        )
    }
    added = 0
    for (sid, key, digest), item in new.items():
        if (sid, key, digest) in existing:
            continue
        session.add(
            ContextSuggestion(
                handoff_id=handoff_id, source_id=sid, field_key=key, value=item.value,
                value_key=digest, quote=item.quote, speaker=item.speaker and item.speaker[:200],
                at=item.at, extractor=extractor,
                status=decided.get(f"{key}:{digest}", SuggestionStatus.PENDING),
                created_at=now,
            )
        )  # fmt: skip
        added += f"{key}:{digest}" not in decided
    session.flush()
    return added
