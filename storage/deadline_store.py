"""Deadline rows: scheduling, cancelling, and claiming the due ones across replicas."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Table, insert, or_, select, update
from sqlalchemy.orm import Session

from storage.enums import DeadlineKind, DeadlineStatus
from storage.models import Base, Deadline

DEADLINES: Table = Base.metadata.tables["deadlines"]
_INSERT_DEADLINE = insert(DEADLINES)
# What acts on a due deadline, inside the sweeper's transaction.
DeadlineHandler = Callable[[Session, Deadline], None]


def schedule_deadline(
    session: Session,
    *,
    handoff_id: int,
    kind: DeadlineKind,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    # A cached Core insert: every new deal schedules two of these on the ingest hot path.
    session.execute(
        _INSERT_DEADLINE,
        {
            "handoff_id": handoff_id,
            "kind": kind,
            "due_at": due_at,
            "status": DeadlineStatus.PENDING,
            "attempts": 0,
            "payload": payload or {},
        },
    )


def cancel_deadlines(session: Session, *, handoff_id: int, kinds: Sequence[DeadlineKind]) -> None:
    """A finished obligation cancels its pending deadlines."""
    session.execute(
        update(Deadline)
        .where(
            Deadline.handoff_id == handoff_id,
            Deadline.kind.in_(kinds),
            Deadline.status == DeadlineStatus.PENDING,
        )
        .values(status=DeadlineStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )


def claim_due_deadlines(
    session: Session, *, now: datetime, until: datetime, limit: int
) -> list[int]:
    """Take up to ``limit`` due deadlines for this process; no other sweeper gets them.

    PostgreSQL locks the candidates with FOR UPDATE SKIP LOCKED, so concurrent sweepers take
    disjoint sets; SQLite (which has no row locks) relies on the conditional UPDATE below,
    whose row count says who won each row. A claim whose holder died is taken over once its
    ``claimed_until`` has passed.
    """
    due = or_(
        Deadline.status == DeadlineStatus.PENDING,
        (Deadline.status == DeadlineStatus.CLAIMED) & (Deadline.claimed_until < now),
    )
    # The IN on status keeps the (status, due_at) index usable; the OR then filters the few rows.
    candidates = Deadline.status.in_((DeadlineStatus.PENDING, DeadlineStatus.CLAIMED))
    query = (
        select(Deadline.id)
        .where(candidates, Deadline.due_at <= now, due)
        .order_by(Deadline.due_at)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        # The rows are locked for this transaction: one UPDATE takes them all.
        locked = list(session.scalars(query.with_for_update(skip_locked=True)).all())
        if locked:
            session.execute(
                update(Deadline)
                .where(Deadline.id.in_(locked))
                .values(status=DeadlineStatus.CLAIMED, claimed_until=until)
                .execution_options(synchronize_session=False)
            )
        return locked
    claimed: list[int] = []
    for deadline_id in session.scalars(query).all():
        result = session.execute(
            update(Deadline)
            .where(Deadline.id == deadline_id, due)
            .values(status=DeadlineStatus.CLAIMED, claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        if result.rowcount == 1:
            claimed.append(deadline_id)
    return claimed
