"""The rows of many new deals at once: CRM events that arrive together are looked up and
written with a statement per table, not per event (``bot.workflow.intake_batch``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from storage.deadline_store import DEADLINES
from storage.repositories import AUDIT_EVENTS, FIELD_VALUES, HANDOFFS, INBOX

# Equality on the first column of each unique key and IN on the second: an index lookup per
# value on both databases.
_SEEN_EVENTS = select(INBOX.c.external_id).where(
    INBOX.c.source == bindparam("source"),
    INBOX.c.external_id.in_(bindparam("external_ids", expanding=True)),
)
_KNOWN_DEALS = select(HANDOFFS.c.deal_id).where(
    HANDOFFS.c.crm == bindparam("crm"),
    HANDOFFS.c.deal_id.in_(bindparam("deal_ids", expanding=True)),
)
_INSERT_HANDOFFS = insert(HANDOFFS).returning(HANDOFFS.c.id, sort_by_parameter_order=True)
_INSERT_FIELDS = insert(FIELD_VALUES)
_INSERT_AUDIT = insert(AUDIT_EVENTS)
_INSERT_DEADLINES = insert(DEADLINES)
_INSERT_INBOX = insert(INBOX)


def events_seen(session: Session, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (source, external id) events are already in the inbox."""
    return _present(session, _SEEN_EVENTS, "source", "external_ids", keys)


def deals_known(session: Session, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (CRM, deal id) deals already have a handoff."""
    return _present(session, _KNOWN_DEALS, "crm", "deal_ids", keys)


def insert_handoffs(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert handoffs in one statement; their ids, in the order of ``rows``."""
    if not rows:  # an empty parameter list would execute the INSERT once, with no values
        return []
    return list(session.scalars(_INSERT_HANDOFFS, list(rows)).all())


def insert_fields(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    _insert(session, _INSERT_FIELDS, rows)


def insert_audit(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    _insert(session, _INSERT_AUDIT, rows)


def insert_deadlines(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    _insert(session, _INSERT_DEADLINES, rows)


def insert_inbox(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    _insert(session, _INSERT_INBOX, rows)


def _insert(session: Session, statement: Any, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(statement, list(rows))


def _present(
    session: Session, query: Any, first: str, seconds: str, keys: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for key, value in keys:
        grouped[key].add(value)
    return {
        (key, found)
        for key, values in grouped.items()
        for found in session.scalars(query, {first: key, seconds: sorted(values)})
    }
