"""The sweeper: timed obligations are rows; a sweep claims the due ones and acts on each once.

APScheduler only ticks ``sweep``. A batch of due deadlines is claimed by one set-based UPDATE
(its own short transaction), then handled and marked done in one transaction together with the
outbox and audit rows it produces, so a crash either does all of it or none of it (and the
claims expire so another sweep retries). Work is taken in batches, so memory does not grow
with the number of pending deadlines.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.clock import Clock
from storage import deadline_store, glances, repositories
from storage.db import SessionFactory
from storage.deadline_store import DeadlineHandler, DueDeadline
from storage.enums import DeadlineKind

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
RETRY_AFTER = timedelta(minutes=5)


class DeadlineSweeper:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        handlers: dict[DeadlineKind, DeadlineHandler],
        glancing: Collection[DeadlineKind] = (),
        batch_size: int = 1000,
    ) -> None:
        """``glancing``: the kinds whose handlers read handoffs only through
        ``glances.glance`` (plain columns, read for the whole batch at once)."""
        self._sessions = sessions
        self._clock = clock
        self._handlers = handlers
        self._glancing = frozenset(glancing)
        self._batch_size = batch_size

    def sweep(self) -> int:
        """Handle every deadline due now; the number handled."""
        handled = 0
        while True:
            now = self._clock.now()
            with self._sessions.begin() as session:
                claimed = deadline_store.claim_due_deadlines(
                    session, now=now, until=now + CLAIM_LEASE, limit=self._batch_size
                )
            if claimed:
                handled += self._handle_batch(claimed)
            if len(claimed) < self._batch_size:
                return handled

    def _handle_batch(self, deadlines: list[DueDeadline]) -> int:
        """One transaction per batch. The batch's handoffs are read once: as glances (plain
        columns) those whose deadlines here are all of glancing kinds, as ORM objects, kept,
        the others. Its audit and outbox rows go in as one insert each, its nudge days as one
        UPDATE, and one UPDATE marks its deadlines done. If any handler fails, the batch is
        undone and run again with a savepoint per deadline: a failing handler then undoes only
        its own work, and its deadline is released for a later sweep — never dropped."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            glanced = {d.handoff_id for d in deadlines if d.kind in self._glancing}
            glanced -= {d.handoff_id for d in deadlines if d.kind not in self._glancing}
            # Held until the batch is done: the session keeps only weak references to them.
            handoffs = glances.load_handoffs(
                session, [d.handoff_id for d in deadlines if d.handoff_id not in glanced]
            )
            try:
                with (
                    session.begin_nested(),
                    repositories.batched_writes(session),
                    glances.glancing(session, glanced),
                ):
                    for deadline in deadlines:
                        self._handlers[deadline.kind](session, deadline)
                    deadline_store.finish_deadlines(
                        session, deadline_ids=[d.id for d in deadlines], now=now
                    )
                return len(deadlines)
            except Exception:  # the batch is redone one deadline at a time, right below
                log.warning(
                    "a deadline of a batch of %d failed; retrying one by one", len(deadlines)
                )
                session.expire_all()  # nudge days were set in memory only
            handled = self._one_by_one(session, deadlines, now)
            del handoffs
            return handled

    def _one_by_one(self, session: Session, deadlines: list[DueDeadline], now: datetime) -> int:
        done: list[int] = []
        for deadline in deadlines:
            try:
                with session.begin_nested():
                    self._handlers[deadline.kind](session, deadline)
            except Exception:  # logged, released and retried later: never swallowed silently
                log.exception("deadline %s failed; it will be retried", deadline.id)
                deadline_store.release_deadline(
                    session, deadline_id=deadline.id, retry_at=now + RETRY_AFTER
                )
                continue
            done.append(deadline.id)
        if done:
            deadline_store.finish_deadlines(session, deadline_ids=done, now=now)
        return len(done)
