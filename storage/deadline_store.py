"""Deadline rows: scheduling, cancelling, and claiming the due ones across replicas."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, insert, select, update
from sqlalchemy.orm import Session

from storage.enums import DeadlineKind, DeadlineStatus
from storage.glances import among
from storage.models import Base, Deadline

DEADLINES: Table = Base.metadata.tables["deadlines"]
_INSERT_DEADLINE = insert(DEADLINES)


@dataclass(frozen=True, slots=True)
class DueDeadline:
    """A claimed deadline as its handler reads it: plain values, not a mapped object."""

    id: int
    handoff_id: int
    kind: DeadlineKind
    payload: dict[str, Any]


# Returned by the claim: a handler's values, and the order they are handled in.
_WHAT_HANDLERS_READ = (
    Deadline.id,
    Deadline.handoff_id,
    Deadline.kind,
    Deadline.payload,
    Deadline.due_at,
)
# What acts on a due deadline, inside the sweeper's transaction.
DeadlineHandler = Callable[[Session, DueDeadline], None]


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


def schedule_deadlines(
    session: Session,
    *,
    handoff_id: int,
    due: Sequence[tuple[DeadlineKind, datetime]],
) -> None:
    """Several deadlines of one handoff in one cached executemany."""
    rows = [pending_row(handoff_id, kind, due_at) for kind, due_at in due]
    session.execute(_INSERT_DEADLINE, rows)


def pending_row(handoff_id: int, kind: DeadlineKind, due_at: datetime) -> dict[str, Any]:
    """A new deadline's row, waiting for ``due_at``."""
    return {
        "handoff_id": handoff_id,
        "kind": kind,
        "due_at": due_at,
        "status": DeadlineStatus.PENDING,
        "attempts": 0,
        "payload": {},
    }


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
) -> list[DueDeadline]:
    """Take up to ``limit`` due deadlines for this process, in due order; no other sweeper
    gets them.

    One set-based ``UPDATE … RETURNING`` of the due ones (returning what their handlers read):
    first pending ones in due order (the (status, due_at) index), then claims whose holder died
    (``claimed_until`` has passed). On PostgreSQL the due rows are picked FOR UPDATE SKIP
    LOCKED in a CTE, so concurrent sweepers take disjoint sets, and the outer condition is
    checked again on each row; on SQLite the statement runs under the database's single write
    lock.
    """
    claimed: list[Row[tuple[int, int, DeadlineKind, dict[str, Any], datetime]]] = []
    postgresql = session.get_bind().dialect.name == "postgresql"
    for ready in (
        (Deadline.status == DeadlineStatus.PENDING) & (Deadline.due_at <= now),
        (Deadline.status == DeadlineStatus.CLAIMED) & (Deadline.claimed_until < now),
    ):
        wanted = limit - len(claimed)
        if wanted <= 0:
            break
        due = select(Deadline.id).where(ready).order_by(Deadline.due_at).limit(wanted)
        if postgresql:
            # Locked once in a materialized CTE: as an IN subquery PostgreSQL may run it again
            # per row, and each run skips different locked rows (more than ``wanted``).
            locked = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
            taken = Deadline.id == locked.c.id
        else:
            taken = Deadline.id.in_(due.scalar_subquery())
        claimed.extend(
            session.execute(
                update(Deadline)
                .where(taken, ready)
                .values(status=DeadlineStatus.CLAIMED, claimed_until=until)
                .returning(*_WHAT_HANDLERS_READ)
                .execution_options(synchronize_session=False)
            ).all()
        )
    claimed.sort(key=lambda row: (row.due_at, row.id))
    return [
        DueDeadline(id=row.id, handoff_id=row.handoff_id, kind=row.kind, payload=row.payload)
        for row in claimed
    ]


def release_deadline(session: Session, *, deadline_id: int, retry_at: datetime) -> None:
    """A deadline whose handler failed goes back to pending, to be tried again at ``retry_at``."""
    session.execute(
        update(Deadline)
        .where(Deadline.id == deadline_id)
        .values(
            status=DeadlineStatus.PENDING,
            claimed_until=None,
            attempts=Deadline.attempts + 1,
            due_at=retry_at,
        )
        .execution_options(synchronize_session=False)
    )


def finish_deadlines(session: Session, *, deadline_ids: Sequence[int], now: datetime) -> None:
    """Mark a handled batch done in one statement."""
    session.execute(
        update(Deadline)
        .where(among(session, Deadline.id, deadline_ids))
        .values(status=DeadlineStatus.DONE, done_at=now, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
