"""Suggestions in the database: their identity, the card's count, what the modal offers, and
what a saved modal makes of them. Every function runs in the caller's transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.context.quotes import normalize
from bot.domain.suggestions import (
    FieldSuggestions,
    ModalSuggestions,
    SuggestionView,
    best_first,
    provenance,
)
from bot.workflow.recorder import mark_changed
from storage.commitment_models import Commitment
from storage.context_models import (
    ContextCommitment,
    ContextSource,
    ContextStakeholder,
    ContextSuggestion,
)
from storage.enums import SuggestionStatus
from storage.models import FieldValue, Handoff


def value_key(value: str) -> str:
    """One suggestion per normalised value: case, quotes and spacing do not make a new one."""
    return hashlib.sha256(normalize(value).encode()).hexdigest()


def _in_field(value: str, current: str | None) -> bool:
    """The value is already the field's value, or one of its lines."""
    if not current:
        return False
    wanted = normalize(value)
    return wanted == normalize(current) or wanted in {normalize(x) for x in current.splitlines()}


def recount(session: Session, handoff: Handoff, now: datetime) -> None:
    """Store how many distinct suggestions wait for the AE; re-render the card if it moved.
    A suggestion the field already holds is not waiting for anyone."""
    current = {value.key: value.value for value in handoff.fields}
    rows = session.execute(
        select(ContextSuggestion.field_key, ContextSuggestion.value_key, ContextSuggestion.value)
        .where(
            ContextSuggestion.handoff_id == handoff.id,
            ContextSuggestion.status == SuggestionStatus.PENDING,
        )
        .distinct()
    ).all()
    waiting = len(
        {(key, digest) for key, digest, value in rows if not _in_field(value, current.get(key))}
    )
    if waiting != handoff.suggestions_waiting:
        handoff.suggestions_waiting = waiting
        mark_changed(handoff, now)


def _clear_quotes(session: Session, source_ids: Sequence[int]) -> None:
    # A value someone kept stays in the record with where it came from, but not the quote:
    # that was part of the context being deleted.
    found = select(ContextSuggestion.id).where(ContextSuggestion.source_id.in_(source_ids))
    session.execute(
        update(FieldValue)
        .where(FieldValue.suggestion_id.in_(found))
        .values(suggested_quote=None)
        .execution_options(synchronize_session=False)
    )
    # So does a commitment found there: the ledger keeps it, without the words quoted.
    session.execute(
        update(Commitment)
        .where(Commitment.source_id.in_(source_ids))
        .values(source_quote=None)
        .execution_options(synchronize_session=False)
    )


def forget_sources(session: Session, source_ids: Sequence[int]) -> None:
    """Delete sources and everything found in them (forget, retention)."""
    if source_ids:
        _clear_quotes(session, source_ids)
        session.execute(
            delete(ContextSource)
            .where(ContextSource.id.in_(source_ids))
            .execution_options(synchronize_session=False)
        )


def erase_findings(session: Session, source_ids: Sequence[int]) -> None:
    """A message was deleted: everything found in it goes, whatever the AE decided."""
    if source_ids:
        _clear_quotes(session, source_ids)
        for model in (ContextSuggestion, ContextStakeholder, ContextCommitment):
            session.execute(
                delete(model)
                .where(model.source_id.in_(source_ids))
                .execution_options(synchronize_session=False)
            )


def withdraw(session: Session, source_ids: Sequence[int]) -> None:
    """A message was edited: what was found in it is found again. Suggestions the AE already
    kept or dismissed stay decided (so an edit does not bring a dismissed one back)."""
    if not source_ids:
        return
    session.execute(
        delete(ContextSuggestion)
        .where(
            ContextSuggestion.source_id.in_(source_ids),
            ContextSuggestion.status == SuggestionStatus.PENDING,
        )
        .execution_options(synchronize_session=False)
    )
    for model in (ContextStakeholder, ContextCommitment):
        session.execute(
            delete(model)
            .where(model.source_id.in_(source_ids))
            .execution_options(synchronize_session=False)
        )


@dataclass(frozen=True, slots=True)
class _Row:
    view: SuggestionView
    value_key: str


def _pending_views(session: Session, handoff_id: int) -> list[_Row]:
    titles: dict[str, str] = {}
    for name, title in session.execute(
        select(ContextStakeholder.name, ContextStakeholder.title).where(
            ContextStakeholder.handoff_id == handoff_id, ContextStakeholder.title.is_not(None)
        )
    ):
        if title:
            titles.setdefault(name, title)
    rows = session.execute(
        select(ContextSuggestion, ContextSource.kind, ContextSource.title, ContextSource.said_at)
        .join(ContextSource, ContextSource.id == ContextSuggestion.source_id)
        .where(
            ContextSuggestion.handoff_id == handoff_id,
            ContextSuggestion.status == SuggestionStatus.PENDING,
        )
    ).all()
    return [
        _Row(
            SuggestionView(
                id=s.id,
                field_key=s.field_key,
                value=s.value,
                quote=s.quote,
                speaker=s.speaker,
                speaker_title=titles.get(s.speaker or ""),
                at=s.at,
                kind=kind.value,
                title=title,
                said_at=said_at,
            ),
            s.value_key,
        )
        for s, kind, title, said_at in rows
    ]


def modal_suggestions(session: Session, handoff: Handoff, playbook: Playbook) -> ModalSuggestions:
    """What the details modal offers per field, leaving out what the field already says."""
    current = {value.key: value.value for value in handoff.fields}
    lists = playbook.context.list_fields(playbook.field_types)
    rows = _pending_views(session, handoff.id)
    keys = {row.view.id: row.value_key for row in rows}
    offered: dict[str, FieldSuggestions] = {}
    for spec in playbook.fields:
        candidates = [
            row.view
            for row in rows
            if row.view.field_key == spec.key
            and not _in_field(row.view.value, current.get(spec.key))
        ]
        if candidates:
            is_list = spec.key in lists
            items = best_first(candidates, is_list=is_list, value_key=keys)
            offered[spec.key] = FieldSuggestions(spec.key, items, is_list)
    return ModalSuggestions(offered)


@dataclass(frozen=True, slots=True)
class Kept:
    """What a saved field records about the suggestions it kept."""

    suggested_from: str
    quote: str | None
    suggestion_id: int


def settle_shown(
    session: Session,
    handoff: Handoff,
    *,
    shown: dict[str, list[int]],
    values: dict[str, str],
    actor: str,
    now: datetime,
) -> dict[str, Kept]:
    """The modal was saved with these suggestions in front of the AE. One whose value the field
    now holds (or holds as a line) is kept; the others are dismissed. A field whose whole value
    came from kept suggestions records where they came from."""
    ids = [i for group in shown.values() for i in group]
    if not ids:
        return {}
    rows = {row.view.id: row for row in _pending_views(session, handoff.id) if row.view.id in ids}
    kept_keys: dict[str, set[str]] = {}
    dismissed_keys: dict[str, set[str]] = {}
    provenance_of: dict[str, Kept] = {}
    for field_key, group in shown.items():
        if field_key not in values:
            continue
        final = values[field_key]
        lines = {normalize(line) for line in final.splitlines() if line.strip()}
        chosen = [rows[i].view for i in group if i in rows]
        kept = [view for view in chosen if normalize(view.value) in lines | {normalize(final)}]
        kept_keys[field_key] = {rows[v.id].value_key for v in kept}
        dismissed_keys[field_key] = {rows[v.id].value_key for v in chosen} - kept_keys[field_key]
        if kept and lines and lines <= {normalize(v.value) for v in kept}:
            first = kept[0]
            provenance_of[field_key] = Kept(provenance(kept), first.quote or None, first.id)
    for status, by_field in (
        (SuggestionStatus.KEPT, kept_keys),
        (SuggestionStatus.DISMISSED, dismissed_keys),
    ):
        _resolve(session, handoff.id, by_field, status=status, actor=actor, now=now)
    return provenance_of


def _resolve(
    session: Session,
    handoff_id: int,
    by_field: dict[str, set[str]],
    *,
    status: SuggestionStatus,
    actor: str,
    now: datetime,
) -> None:
    # The same value from several sources is one suggestion to the AE: resolve all of them.
    for field_key, digests in by_field.items():
        if digests:
            session.execute(
                update(ContextSuggestion)
                .where(
                    ContextSuggestion.handoff_id == handoff_id,
                    ContextSuggestion.field_key == field_key,
                    ContextSuggestion.value_key.in_(digests),
                    ContextSuggestion.status == SuggestionStatus.PENDING,
                )
                .values(status=status, resolved_at=now, resolved_by=actor)
                .execution_options(synchronize_session=False)
            )
