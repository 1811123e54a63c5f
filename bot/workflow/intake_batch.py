"""Deal events that arrive together, applied together.

A CRM sends a burst of deals over several connections at once. Each request thread hands its
event to ``GroupIntake`` and waits; one of them at a time takes every event waiting and
applies them in one transaction: the new deals among them (event and deal not seen before, each
once in the group, at a stage that starts a handoff) are looked up and written with one
statement per table, and every other event follows one by one in arrival order, exactly as
``DealIntake.apply`` applies it alone. Each request is answered with its own event's outcome
only once the transaction is committed.

If another process stored one of the group's events or deals first (a unique key refuses the
group), or one event of the group meets a defect, its events are applied again one at a time,
each in its own transaction, so that one event's conflict is never another's failure. When the
database itself fails the group (a lock that stayed busy, a lost connection), every request of
the group gets that error at once (a 503: the CRM delivers again), rather than each event
waiting for the same lock again in turn; and a request still queued behind a group stuck on the
database for ``TURN_PATIENCE_SECONDS`` is answered 503 with nothing stored.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from bot.crm.events import DealEvent
from bot.domain.clock import Clock
from bot.workflow.intake import SYSTEM_ACTOR, DealIntake, IngestResult, Outcome, inbox_row
from bot.workflow.recorder import queue_write_back
from storage import new_deals
from storage.db import SessionFactory
from storage.deadline_store import pending_row
from storage.enums import DeadlineKind

log = logging.getLogger(__name__)

MAX_GROUP = 64
# As long as a write waits for SQLite's lock or for a pooled connection: a request that cannot
# get its turn by then is answered 503 with nothing stored, as it would be by the database.
TURN_PATIENCE_SECONDS = 30.0


@dataclass(eq=False)  # each one is itself, whatever its event
class _Waiting:
    event: DealEvent
    result: IngestResult | None = None
    error: BaseException | None = None

    @property
    def answered(self) -> bool:
        return self.result is not None or self.error is not None

    def answer(self) -> IngestResult:
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


class GroupIntake:
    def __init__(
        self,
        *,
        intake: DealIntake,
        sessions: SessionFactory,
        clock: Clock,
        max_group: int = MAX_GROUP,
        patience: float = TURN_PATIENCE_SECONDS,
    ) -> None:
        self._intake = intake
        self._sessions = sessions
        self._clock = clock
        self._max_group = max_group
        self._patience = patience
        self._waiting: list[_Waiting] = []
        self._guard = threading.Lock()
        self._turn = threading.Lock()  # one group applied at a time

    def ingest_deal_event(self, *, event: DealEvent) -> IngestResult:
        mine = _Waiting(event)
        with self._guard:
            self._waiting.append(mine)
        if not self._turn.acquire(timeout=self._patience):
            with self._guard:
                still_queued = mine in self._waiting
                if still_queued:
                    self._waiting.remove(mine)
            if still_queued:  # a group stuck on the database: this event waits no longer
                raise PoolTimeout(f"no turn to write a deal event within {self._patience:.0f} s")
            self._turn.acquire()  # the group being applied holds this event: its answer is ours
        try:
            while not mine.answered:
                with self._guard:
                    group = self._waiting[: self._max_group]
                    del self._waiting[: self._max_group]
                self._apply(group)
        finally:
            self._turn.release()
        return mine.answer()

    def _apply(self, group: list[_Waiting]) -> None:
        try:
            if len(group) > 1 and self._applied_together(group):
                return
            for waiting in group:
                self._apply_alone(waiting)
        except BaseException as error:  # every request of the group gets it, not only ours
            for waiting in group:
                if not waiting.answered:
                    waiting.error = error

    def _applied_together(self, group: list[_Waiting]) -> bool:
        """Whether the group was applied; ``False`` when its events must go one at a time."""
        try:
            with self._sessions.begin() as session:
                results = self._apply_together(session, [w.event for w in group])
        except IntegrityError as error:  # another process stored one of its events or deals
            log.info("%s deal events applied one by one after: %s", len(group), error.orig)
            return False
        except SQLAlchemyError:
            # The database itself (a lock that stayed busy, a lost connection): every event
            # would meet it alone, one after another; each request gets it now (a 503).
            raise
        except Exception as error:  # one event's defect: alone, only its own request fails
            log.warning(
                "%s deal events applied one by one after %s", len(group), type(error).__name__
            )
            return False
        for waiting, result in zip(group, results, strict=True):
            waiting.result = result
        return True

    def _apply_alone(self, waiting: _Waiting) -> None:
        try:
            waiting.result = self._intake.ingest_deal_event(event=waiting.event)
        except Exception as error:  # re-raised in the thread whose request it is
            waiting.error = error

    def _apply_together(self, session: Session, events: list[DealEvent]) -> list[IngestResult]:
        now = self._clock.now()
        seen = new_deals.events_seen(session, ((e.source, e.external_id) for e in events))
        known = new_deals.deals_known(session, ((e.source, e.deal.id) for e in events))
        event_counts = Counter((e.source, e.external_id) for e in events)
        deal_counts = Counter((e.source, e.deal.id) for e in events)
        results: list[IngestResult | None] = [None] * len(events)
        new: list[tuple[int, DealEvent]] = []
        openings = []
        for index, event in enumerate(events):
            event_key, deal_key = (event.source, event.external_id), (event.source, event.deal.id)
            alone = event_counts[event_key] == 1 and deal_counts[deal_key] == 1
            opening = None
            if alone and event_key not in seen and deal_key not in known:
                opening = self._intake.opening(event, now)
            if opening is not None:
                new.append((index, event))
                openings.append(opening)
        ids = new_deals.insert_handoffs(session, [o.handoff for o in openings])
        fields, audit, deadlines, inbox = [], [], [], []
        for (index, event), opening, handoff_id in zip(new, openings, ids, strict=True):
            fields += [{**row, "handoff_id": handoff_id} for row in opening.fields]
            audit.append(
                {
                    "handoff_id": handoff_id,
                    "at": now,
                    "actor": SYSTEM_ACTOR,
                    "action": opening.action,
                    "detail": opening.detail,
                }
            )
            if opening.sla is not None:
                deadlines += [
                    pending_row(handoff_id, DeadlineKind.SLA_WARN, opening.sla[0]),
                    pending_row(handoff_id, DeadlineKind.SLA_BREACH, opening.sla[1]),
                ]
            inbox.append(inbox_row(event, now, handoff_id, Outcome.APPLIED))
            queue_write_back(session, crm=event.source, handoff_id=handoff_id, now=now)
            results[index] = IngestResult(Outcome.APPLIED, handoff_id, opening.status)
        new_deals.insert_fields(session, fields)
        new_deals.insert_audit(session, audit)
        new_deals.insert_deadlines(session, deadlines)
        new_deals.insert_inbox(session, inbox)
        for index, event in enumerate(events):
            if results[index] is None:
                results[index] = self._intake.apply(session, event)
        return [result for result in results if result is not None]
