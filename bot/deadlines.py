"""The sweeper: timed obligations are rows; a sweep claims the due ones and acts on each once.

APScheduler only ticks ``sweep``. Each claimed deadline is handled and marked done in one
transaction together with the outbox rows it produces, so a crash either does all of it or
none of it (and the claim expires so another sweep retries). Work is taken in batches, so
memory does not grow with the number of pending deadlines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.clock import Clock
from storage import repositories
from storage.db import SessionFactory
from storage.enums import DeadlineKind, DeadlineStatus
from storage.models import Deadline

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
RETRY_AFTER = timedelta(minutes=5)
DeadlineHandler = Callable[[Session, Deadline], None]


class DeadlineSweeper:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        handlers: dict[DeadlineKind, DeadlineHandler],
        batch_size: int = 200,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._handlers = handlers
        self._batch_size = batch_size

    def sweep(self) -> int:
        """Handle every deadline due now; the number handled."""
        handled = 0
        while True:
            now = self._clock.now()
            with self._sessions.begin() as session:
                claimed = repositories.claim_due_deadlines(
                    session, now=now, until=now + CLAIM_LEASE, limit=self._batch_size
                )
            for deadline_id in claimed:
                handled += self._handle(deadline_id)
            if len(claimed) < self._batch_size:
                return handled

    def _handle(self, deadline_id: int) -> int:
        now = self._clock.now()
        try:
            with self._sessions.begin() as session:
                deadline = session.get(Deadline, deadline_id)
                assert deadline is not None
                self._handlers[deadline.kind](session, deadline)
                deadline.status, deadline.done_at, deadline.claimed_until = (
                    DeadlineStatus.DONE,
                    now,
                    None,
                )
            return 1
        except Exception:  # logged and released for a later sweep; never dropped
            log.exception("deadline %s failed; it will be retried", deadline_id)
            with self._sessions.begin() as session:
                deadline = session.get(Deadline, deadline_id)
                assert deadline is not None
                deadline.status, deadline.claimed_until = DeadlineStatus.PENDING, None
                deadline.attempts += 1
                deadline.due_at = now + RETRY_AFTER
            return 0
