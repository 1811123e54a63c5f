"""Queries the services run, named for what they answer. Callers own the transaction."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Table, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storage.enums import (
    AuditAction,
    HandoffStatus,
    OutboxKind,
    OutboxStatus,
)
from storage.glances import HandoffGlance, among, renew
from storage.models import (
    AuditEvent,
    Base,
    CrmCursor,
    Handoff,
    OutboxMessage,
    ReportMarker,
)

HANDOFFS: Table = Base.metadata.tables["handoffs"]
FIELD_VALUES: Table = Base.metadata.tables["field_values"]
INBOX: Table = Base.metadata.tables["inbox"]
AUDIT_EVENTS: Table = Base.metadata.tables["audit_events"]

# Statements on the tables, not the mapped classes, with parameters passed at execution: the
# compiled form is cached once and each call only binds values (the ingest hot path).
_INSERT_HANDOFF = insert(HANDOFFS).returning(HANDOFFS.c.id)
_INSERT_FIELD = insert(FIELD_VALUES)
_INSERT_INBOX = insert(INBOX)
_INSERT_AUDIT = insert(AUDIT_EVENTS)
_INSERT_OUTBOX = insert(Base.metadata.tables["outbox"])
_BATCH = "handoff.batched_writes"


_FIND_HANDOFF_ID = select(HANDOFFS.c.id).where(
    HANDOFFS.c.crm == bindparam("crm"),
    HANDOFFS.c.deal_id == bindparam("deal_id"),
)


_SEEN = INBOX.alias("seen")
_EVENT_AND_DEAL = select(
    select(_SEEN.c.id)
    .where(_SEEN.c.source == bindparam("source"), _SEEN.c.external_id == bindparam("external_id"))
    .scalar_subquery()
    .label("inbox_id"),
    select(_SEEN.c.handoff_id)
    .where(_SEEN.c.source == bindparam("source"), _SEEN.c.external_id == bindparam("external_id"))
    .scalar_subquery()
    .label("led_to"),
    select(HANDOFFS.c.status)
    .select_from(_SEEN.join(HANDOFFS, HANDOFFS.c.id == _SEEN.c.handoff_id))
    .where(_SEEN.c.source == bindparam("source"), _SEEN.c.external_id == bindparam("external_id"))
    .scalar_subquery()
    .label("led_to_status"),
    _FIND_HANDOFF_ID.scalar_subquery().label("handoff_id"),
)


def find_event_and_deal(
    session: Session, *, source: str, external_id: str, crm: str, deal_id: str
) -> tuple[tuple[int | None, HandoffStatus | None] | None, int | None]:
    """In one round trip: what an already-stored event led to (``None`` if it is new), and
    the id of the deal's handoff (``None`` if there is none yet)."""
    row = session.execute(
        _EVENT_AND_DEAL,
        {"source": source, "external_id": external_id, "crm": crm, "deal_id": deal_id},
    ).one()
    seen = None if row.inbox_id is None else (row.led_to, row.led_to_status)
    return seen, row.handoff_id


def record_inbox_event(
    session: Session,
    *,
    source: str,
    external_id: str,
    received_at: datetime,
    handoff_id: int | None,
    outcome: str,
    payload: dict[str, Any],
) -> None:
    session.execute(
        _INSERT_INBOX,
        {
            "source": source,
            "external_id": external_id,
            "received_at": received_at,
            "handoff_id": handoff_id,
            "outcome": outcome,
            "payload": payload,
        },
    )


def insert_handoff(
    session: Session, *, values: dict[str, Any], fields: list[dict[str, Any]]
) -> int:
    """Insert a new handoff and its field values with Core statements (the ingest hot path)."""
    handoff_id: int = session.execute(_INSERT_HANDOFF, values).scalar_one()
    if fields:
        session.execute(_INSERT_FIELD, [{**row, "handoff_id": handoff_id} for row in fields])
    return handoff_id


def get_handoff(session: Session, handoff_id: int) -> Handoff | None:
    return session.get(Handoff, handoff_id, options=[selectinload(Handoff.fields)])


def record_audit(
    session: Session,
    *,
    handoff_id: int,
    at: datetime,
    actor: str,
    action: AuditAction,
    detail: dict[str, Any],
) -> None:
    row = {"handoff_id": handoff_id, "at": at, "actor": actor, "action": action, "detail": detail}
    batch: _Batch | None = session.info.get(_BATCH)
    if batch is not None:
        batch.audit.append(row)
        return
    session.execute(_INSERT_AUDIT, row)


@dataclass
class _Batch:
    audit: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    nudged_on: dict[int, dict[str, str]] = field(default_factory=dict)


@contextmanager
def batched_writes(session: Session) -> Iterator[None]:
    """Batch work (the sweeper): audit rows, outbox messages without a dedupe key and nudge
    days recorded inside the block are written at its end, one statement each (nudge days:
    one UPDATE per distinct set of days, usually one). If the block fails, none of them is
    written — and the caller must ``session.expire_all()`` before reading handoffs again
    (their nudge days were set in memory only)."""
    batch = _Batch()
    session.info[_BATCH] = batch
    try:
        yield
    finally:
        session.info.pop(_BATCH, None)
    if batch.audit:
        session.execute(_INSERT_AUDIT, batch.audit)
    if batch.outbox:
        session.execute(_INSERT_OUTBOX, batch.outbox)
    same_days: dict[str, list[int]] = defaultdict(list)
    for handoff_id, days in batch.nudged_on.items():
        same_days[json.dumps(days, sort_keys=True)].append(handoff_id)
    for days_json, handoff_ids in same_days.items():
        session.execute(
            update(HANDOFFS)
            .where(among(session, HANDOFFS.c.id, handoff_ids))
            .values(nudged_on=json.loads(days_json))
        )


def remember_nudge(session: Session, *, handoff: HandoffGlance, kind: str, day: str) -> None:
    """Record that ``handoff`` got its nudge of ``kind`` on business day ``day``."""
    days = {**(handoff.nudged_on or {}), kind: day}
    batch: _Batch | None = session.info.get(_BATCH)
    if batch is not None and renew(session, handoff, nudged_on=days):
        # A glanced handoff is not loaded as an object in this batch: nothing else to update.
        batch.nudged_on[handoff.id] = days
        return
    if batch is None:  # the handoff in memory, if loaded, is updated with the row
        session.execute(update(Handoff).where(Handoff.id == handoff.id).values(nudged_on=days))
        return
    # Not a change the unit of work has to find: a batch writes all of them at its end.
    if (loaded := session.identity_map.get(session.identity_key(Handoff, handoff.id))) is not None:
        set_committed_value(loaded, "nudged_on", days)
    batch.nudged_on[handoff.id] = days


def audit_trail(session: Session, handoff_id: int) -> Sequence[AuditEvent]:
    return session.scalars(
        select(AuditEvent).where(AuditEvent.handoff_id == handoff_id).order_by(AuditEvent.id)
    ).all()


def due_outbox_ids(
    session: Session,
    *,
    now: datetime,
    limit: int,
    kinds: Sequence[OutboxKind],
    crm: str | None = None,
) -> Sequence[int]:
    """Due messages of these kinds; with ``crm``, only those that CRM delivers."""
    query = select(OutboxMessage.id).where(
        OutboxMessage.kind.in_(kinds),
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
    )
    if crm is not None:
        query = query.where(OutboxMessage.crm == crm)
    return session.scalars(
        query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    ).all()


def lease_outbox(session: Session, *, message_id: int, now: datetime, until: datetime) -> bool:
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def enqueue(
    session: Session,
    *,
    kind: OutboxKind,
    now: datetime,
    payload: dict[str, Any],
    handoff_id: int | None = None,
    dedupe_key: str | None = None,
    once: bool = False,
    crm: str | None = None,
) -> None:
    """Add a side effect to the outbox in the caller's transaction. A pending message with the
    same ``dedupe_key`` already covers it; with ``once``, so does any earlier one. ``crm``
    names the CRM adapter that delivers it."""
    if dedupe_key is not None:
        query = select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        if not once:
            query = query.where(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.lease_until.is_(None)
            )
        if session.scalar(query.limit(1)) is not None:
            return
    batch: _Batch | None = session.info.get(_BATCH)
    if batch is not None and dedupe_key is None:
        batch.outbox.append(
            {
                "kind": kind,
                "handoff_id": handoff_id,
                "payload": payload,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "lease_until": None,
                "last_error": None,
                "created_at": now,
                "dedupe_key": None,
                "crm": crm,
            }
        )
        return
    session.add(
        OutboxMessage(
            kind=kind,
            handoff_id=handoff_id,
            payload=payload,
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            dedupe_key=dedupe_key,
            crm=crm,
        )
    )


def lock_handoff(session: Session, handoff_id: int) -> Handoff | None:
    """Load a handoff to change it; PostgreSQL locks the row (SQLite's BEGIN IMMEDIATE does)."""
    return session.scalars(
        select(Handoff)
        .where(Handoff.id == handoff_id)
        .options(selectinload(Handoff.fields))
        .with_for_update()
    ).one_or_none()


def take_ownership(session: Session, *, handoff_id: int, owner: str, now: datetime) -> bool:
    """Make ``owner`` the owner if nobody is; ``False`` when someone got there first."""
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.owner_slack_id.is_(None))
        .values(owner_slack_id=owner, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def cursor_position(session: Session, name: str) -> datetime | None:
    cursor = session.get(CrmCursor, name)
    return None if cursor is None else cursor.position


def advance_cursor(session: Session, name: str, position: datetime, now: datetime) -> None:
    cursor = session.get(CrmCursor, name)
    if cursor is None:
        session.add(CrmCursor(name=name, position=position, updated_at=now))
    elif position > cursor.position:
        cursor.position, cursor.updated_at = position, now


def claim_period(session: Session, name: str, period_start: datetime, now: datetime) -> bool:
    """Record that the periodic job ``name`` ran for the period starting ``period_start``;
    ``False`` when it already has (here or on another replica)."""
    marker = session.get(ReportMarker, name, with_for_update=True)
    if marker is None:
        session.add(ReportMarker(name=name, period_start=period_start, updated_at=now))
        session.flush()
        return True
    if marker.period_start >= period_start:
        return False
    marker.period_start, marker.updated_at = period_start, now
    return True
