"""Slack Events API deliveries, acted on once each: the inbox, keyed on ``event_id``.

Slack retries a delivery up to three times (``X-Slack-Retry-Num``: nearly at once, after a
minute, after five). A delivery is claimed before its listener runs and marked done after; a
failed attempt releases its claim, and one that died mid-way (its claim older than
``ABANDONED_AFTER``) is taken over, so a retry is dropped only when an attempt did the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from bot.domain.clock import Clock
from storage import coordination
from storage.db import SessionFactory

SOURCE = "slack.events"
# Longer than any listener takes (a Slack call times out after 10 s), shorter than the minute
# before Slack's second retry.
ABANDONED_AFTER = timedelta(seconds=50)


class SlackEventInbox:
    def __init__(self, *, sessions: SessionFactory, clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    @contextmanager
    def once(self, event_id: str) -> Iterator[bool]:
        """``True``: this delivery is the one to act on (the work inside is then recorded as
        done, or released if it raises); ``False``: another delivery has it covered."""
        if not event_id:
            yield True
            return
        now = self._clock.now()
        with self._sessions.begin() as session:
            first = coordination.claim_event(
                session, source=SOURCE, event_id=event_id, now=now, stale=now - ABANDONED_AFTER
            )
        if not first:
            yield False
            return
        try:
            yield True
        except BaseException:
            with self._sessions.begin() as session:
                coordination.release_event(session, source=SOURCE, event_id=event_id)
            raise
        with self._sessions.begin() as session:
            coordination.finish_event(session, source=SOURCE, event_id=event_id)
