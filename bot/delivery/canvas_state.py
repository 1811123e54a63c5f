"""One brief canvas as the upkeep holds it: the dirty flag, the lease, and what happened.

A rendered card marks its canvas dirty (``want``); the upkeep leases due rows (clearing the
flag, so a change made meanwhile marks it again and is not lost), and settles each one under
its token: a process that lost the lease changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.clock import Clock
from storage import coordination
from storage.canvas_models import BriefCanvas
from storage.db import SessionFactory
from storage.models import Base, Handoff

LEASE = timedelta(seconds=60)
CANVASES = Base.metadata.tables["brief_canvases"]


@dataclass(frozen=True, slots=True)
class CanvasRow:
    handoff_id: int
    channel_id: str
    mode: str | None
    canvas_id: str | None
    rendered_hash: str | None
    attempts: int
    url: str | None


def want(session: Session, *, handoff_id: int, channel_id: str, now: datetime) -> None:
    """The brief may have changed: bring the canvas up to date (at once, unless a failure
    asked to wait). Runs in the caller's transaction."""
    inserted = coordination.insert_unless_present(
        session,
        CANVASES,
        {
            "handoff_id": handoff_id,
            "channel_id": channel_id,
            "dirty": True,
            "next_attempt_at": now,
            "attempts": 0,
            "updated_at": now,
        },
    )
    if inserted:
        return
    session.execute(
        update(BriefCanvas)
        .where(BriefCanvas.handoff_id == handoff_id)
        .values(dirty=True, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def due(sessions: SessionFactory, *, now: datetime, limit: int) -> list[int]:
    with sessions.begin() as session:
        return list(
            session.scalars(
                select(BriefCanvas.handoff_id)
                .where(
                    BriefCanvas.dirty.is_(True),
                    BriefCanvas.next_attempt_at <= now,
                    or_(BriefCanvas.lease_until.is_(None), BriefCanvas.lease_until < now),
                )
                .order_by(BriefCanvas.next_attempt_at, BriefCanvas.handoff_id)
                .limit(limit)
            )
        )


def known_canvas(sessions: SessionFactory, channel_id: str) -> str | None:
    """A canvas another handoff's brief already lives in, in this channel (saves asking)."""
    with sessions.begin() as session:
        return session.scalar(
            select(BriefCanvas.canvas_id)
            .where(BriefCanvas.channel_id == channel_id, BriefCanvas.canvas_id.is_not(None))
            .order_by(BriefCanvas.handoff_id)
            .limit(1)
        )


def shared(sessions: SessionFactory, *, canvas_id: str, handoff_id: int) -> bool:
    """Whether another handoff's brief is a section of this canvas too."""
    with sessions.begin() as session:
        other = session.scalar(
            select(BriefCanvas.handoff_id)
            .where(BriefCanvas.canvas_id == canvas_id, BriefCanvas.handoff_id != handoff_id)
            .limit(1)
        )
        return other is not None


class CanvasState:
    def __init__(self, sessions: SessionFactory, clock: Clock, handoff_id: int, token: str) -> None:
        self._sessions = sessions
        self._clock = clock
        self.handoff_id = handoff_id
        self._token = token

    def lease(self) -> bool:
        now = self._clock.now()
        with self._sessions.begin() as session:
            result = session.execute(
                update(BriefCanvas)
                .where(
                    BriefCanvas.handoff_id == self.handoff_id,
                    BriefCanvas.dirty.is_(True),
                    BriefCanvas.next_attempt_at <= now,
                    or_(BriefCanvas.lease_until.is_(None), BriefCanvas.lease_until < now),
                )
                .values(dirty=False, lease_token=self._token, lease_until=now + LEASE)
                .execution_options(synchronize_session=False)
            )
            assert isinstance(result, CursorResult)
            return result.rowcount == 1

    def read(self) -> CanvasRow | None:
        with self._sessions.begin() as session:
            row = session.get(BriefCanvas, self.handoff_id)
            if row is None or row.lease_token != self._token:
                return None
            return CanvasRow(
                row.handoff_id,
                row.channel_id,
                row.mode,
                row.canvas_id,
                row.rendered_hash,
                row.attempts,
                row.url,
            )

    def done(self, *, mode: str, canvas_id: str, url: str | None, digest: str) -> None:
        """The canvas shows this brief. A new link changes the card: it is re-rendered."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            row = self._mine(session)
            if row is None:
                return
            if row.url is not None and row.url != url:
                # The card links to a canvas that is gone: show the new one now. A first link
                # waits for the card's next change (a claim, a detail): no chat.update for it.
                _card_changed(session, self.handoff_id, now)
            row.mode, row.canvas_id, row.url, row.rendered_hash = mode, canvas_id, url, digest
            row.attempts, row.error = 0, None
            row.lease_token = row.lease_until = None
            row.updated_at = now

    def retry(self, *, wait: timedelta, error: str | None, mode: str | None = None) -> bool:
        """Try again after ``wait`` (``mode``: what the canvas is meanwhile). ``True`` for the
        first failure of a run: worth a line in the log."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            row = self._mine(session)
            if row is None:
                return False
            first = row.attempts == 0
            if mode is not None and mode != row.mode:
                row.mode = mode
                if row.url is not None:
                    _card_changed(session, self.handoff_id, now)  # its link no longer works
            row.dirty = True
            row.attempts += 1
            row.next_attempt_at = now + wait
            row.error = error
            row.lease_token = row.lease_until = None
            row.updated_at = now
            return first

    def forget_canvas(self) -> None:
        """The canvas was deleted in Slack: the next attempt creates the brief again."""
        with self._sessions.begin() as session:
            row = self._mine(session)
            if row is not None:
                row.mode = row.canvas_id = row.url = row.rendered_hash = None
                row.dirty, row.lease_token, row.lease_until = True, None, None
                _card_changed(session, self.handoff_id, self._clock.now())

    def _mine(self, session: Session) -> BriefCanvas | None:
        row = session.get(BriefCanvas, self.handoff_id)
        return row if row is not None and row.lease_token == self._token else None


def _card_changed(session: Session, handoff_id: int, now: datetime) -> None:
    """The card shows the canvas's link (or that there is none): render it again."""
    session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id)
        .values(
            state_version=Handoff.state_version + 1,
            card_next_attempt_at=now,
            card_attempts=0,
        )
        .execution_options(synchronize_session=False)
    )
