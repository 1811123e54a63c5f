"""The handoff workflow's entry from the CRM: apply a deal event exactly once."""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.crm.events import Deal, DealEvent, DealPhase
from bot.domain.business_time import BusinessCalendar
from bot.domain.clock import Clock
from bot.domain.status import status_for, status_from_fields
from bot.workflow.deal_copy import (
    DEAL_ATTRIBUTES,
    copy_deal,
    deal_columns,
    jsonable,
    merge_crm_fields,
)
from bot.workflow.recorder import mark_changed, queue_write_back, record_change
from bot.workflow.sla_clock import schedule_sla, sla_marks
from storage import repositories
from storage.db import SessionFactory
from storage.enums import AuditAction, FieldSource, HandoffStatus
from storage.models import Handoff

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "crm"


class Outcome(enum.StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    STALE = "stale"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class IngestResult:
    outcome: Outcome
    handoff_id: int | None
    status: HandoffStatus | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Opening:
    """The rows a deal's first event starts its handoff with (the handoff's id comes later)."""

    handoff: dict[str, Any]
    fields: list[dict[str, Any]]
    status: HandoffStatus
    action: AuditAction
    detail: dict[str, Any]
    sla: tuple[datetime, datetime] | None  # warn, breach


class DealIntake:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        playbook: Playbook,
        calendar: BusinessCalendar | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._playbook = playbook
        self._calendar = calendar or BusinessCalendar(playbook.business_hours)

    def ingest_deal_event(self, *, event: DealEvent) -> IngestResult:
        """Store the event once and apply it; a concurrent twin hits a unique key and retries."""
        for attempt in (1, 2):
            try:
                with self._sessions.begin() as session:
                    result = self.apply(session, event)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
                log.info(
                    "concurrent delivery of %s/%s; re-reading", event.source, event.external_id
                )
        return result

    def apply(self, session: Session, event: DealEvent) -> IngestResult:
        """Apply one event in the caller's transaction."""
        deal = event.deal
        seen, handoff_id = repositories.find_event_and_deal(
            session,
            source=event.source,
            external_id=event.external_id,
            crm=event.source,
            deal_id=deal.id,
        )
        if seen is not None:
            return IngestResult(Outcome.DUPLICATE, *seen)

        now = self._clock.now()
        handoff = None if handoff_id is None else repositories.get_handoff(session, handoff_id)
        if handoff is None:
            opening = self.opening(event, now)
            if opening is None:
                reason = f"stage {deal.stage!r} does not start a handoff"
                self._remember(session, event, now, None, Outcome.IGNORED)
                return IngestResult(Outcome.IGNORED, None, None, reason)
            handoff_id = self._start(session, event, opening, now)
            self._remember(session, event, now, handoff_id, Outcome.APPLIED)
            return IngestResult(Outcome.APPLIED, handoff_id, opening.status)
        if event.occurred_at < handoff.last_event_at:
            reason = "an event newer than this one was already applied for this deal"
            self._remember(session, event, now, handoff.id, Outcome.STALE)
            return IngestResult(Outcome.STALE, handoff.id, handoff.status, reason)
        self._update(session, handoff, event, now)
        self._remember(session, event, now, handoff.id, Outcome.APPLIED)
        return IngestResult(Outcome.APPLIED, handoff.id, handoff.status)

    def opening(self, event: DealEvent, now: datetime) -> Opening | None:
        """What a deal's first event starts: ``None`` when its stage starts no handoff."""
        phase = self._phase(event.deal, event.deal.stage)
        upcoming = phase is DealPhase.PRE_CLOSE and bool(self._playbook.channels.cs_channel_id)
        if not (phase is DealPhase.CLOSING or upcoming):
            return None
        fields = {
            key: value.strip()
            for key, value in event.deal.fields.items()
            if value and value.strip()
        }
        status = HandoffStatus.UPCOMING if upcoming else self._status_from(set(fields))
        sla = None if upcoming else sla_marks(now, self._playbook, self._calendar)
        return Opening(
            handoff={
                "crm": event.source,
                "deal_id": event.deal.id,
                **deal_columns(event.deal),
                "status": status,
                "triggered_at": None if upcoming else now,
                "sla_warn_at": sla[0] if sla else None,
                "sla_due_at": sla[1] if sla else None,
                "last_event_at": event.occurred_at,
                "created_at": now,
                "updated_at": now,
                "state_version": 1,
                "rendered_version": 0,
                "card_attempts": 0,
                "ae_lookup_done": False,
                "card_next_attempt_at": now,
            },
            fields=[
                {"key": key, "value": value, "source": FieldSource.CRM, "updated_at": now}
                for key, value in fields.items()
            ],
            status=status,
            action=AuditAction.INTRODUCED if upcoming else AuditAction.HANDOFF_STARTED,
            detail={"stage": event.deal.stage, "status": status.value, "event": event.external_id},
            sla=sla,
        )

    def _start(self, session: Session, event: DealEvent, opening: Opening, now: datetime) -> int:
        # Core inserts, not the unit of work: this is the path every new deal takes.
        handoff_id = repositories.insert_handoff(
            session, values=opening.handoff, fields=opening.fields
        )
        repositories.record_audit(
            session,
            handoff_id=handoff_id,
            at=now,
            actor=SYSTEM_ACTOR,
            action=opening.action,
            detail=opening.detail,
        )
        queue_write_back(session, crm=event.source, handoff_id=handoff_id, now=now)
        if opening.sla:
            schedule_sla(session, handoff_id=handoff_id, warn=opening.sla[0], due=opening.sla[1])
        return handoff_id

    def _update(self, session: Session, handoff: Handoff, event: DealEvent, now: datetime) -> None:
        before = {name: getattr(handoff, name) for name in DEAL_ATTRIBUTES}
        handoff.last_event_at = event.occurred_at
        copy_deal(handoff, event.deal)
        changed_fields, conflicts = merge_crm_fields(handoff, event.deal.fields, now)
        self._note_conflicts(session, handoff, conflicts, now)
        self._follow_stage(session, handoff, now, self._phase(event.deal, handoff.stage))
        changes: dict[str, list[object]] = {
            name: [jsonable(before[name]), jsonable(getattr(handoff, name))]
            for name in DEAL_ATTRIBUTES
            if before[name] != getattr(handoff, name)
        }
        old_status = handoff.status
        handoff.status = self._status_for(handoff)
        if handoff.status != old_status:
            changes["status"] = [old_status.value, handoff.status.value]
            # A change that came from the CRM is written back to it like any other.
            queue_write_back(session, crm=handoff.crm, handoff_id=handoff.id, now=now)
        if not changes and not changed_fields:
            return
        if changed_fields:
            changes["fields"] = list(changed_fields)
        mark_changed(handoff, now)
        repositories.record_audit(
            session,
            handoff_id=handoff.id,
            at=now,
            actor=SYSTEM_ACTOR,
            action=AuditAction.DEAL_UPDATED,
            detail={"event": event.external_id, "changes": changes},
        )

    def _phase(self, deal: Deal, stage: str) -> DealPhase:
        """What the deal's stage means: the adapter's word for it, else the playbook's names."""
        if deal.phase is not None:
            return deal.phase
        if self._playbook.is_closing(stage):
            return DealPhase.CLOSING
        if self._playbook.is_pre_close(stage):
            return DealPhase.PRE_CLOSE
        return DealPhase.LOST if self._playbook.is_lost(stage) else DealPhase.OTHER

    def _follow_stage(
        self, session: Session, handoff: Handoff, now: datetime, phase: DealPhase
    ) -> None:
        """An upcoming handoff starts when its deal closes; any open one ends if it is lost."""
        if handoff.status is HandoffStatus.UPCOMING and phase is DealPhase.CLOSING:
            handoff.status = HandoffStatus.HELD
            handoff.triggered_at = now
            warn, due = sla_marks(now, self._playbook, self._calendar)
            handoff.sla_warn_at, handoff.sla_due_at = warn, due
            schedule_sla(session, handoff_id=handoff.id, warn=warn, due=due)
            detail = {"stage": handoff.stage, "due": handoff.sla_due_at.isoformat()}
            self._note(session, handoff, AuditAction.CLOSED_WON, now, detail)
        elif phase is DealPhase.LOST and handoff.status is not HandoffStatus.CANCELLED:
            handoff.status = HandoffStatus.CANCELLED
            self._note(session, handoff, AuditAction.DEAL_LOST, now, {"stage": handoff.stage})

    def _note_conflicts(
        self, session: Session, handoff: Handoff, conflicts: list[str], now: datetime
    ) -> None:
        for key in conflicts:
            spec = self._playbook.field(key)
            detail = {"field": key, "label": spec.label if spec else key}
            self._note(session, handoff, AuditAction.FIELD_CONFLICT, now, detail)

    def _note(
        self,
        session: Session,
        handoff: Handoff,
        action: AuditAction,
        now: datetime,
        detail: Mapping[str, object],
    ) -> None:
        record_change(
            session,
            handoff=handoff,
            actor=SYSTEM_ACTOR,
            action=action,
            now=now,
            detail=detail,
        )

    def _status_for(self, handoff: Handoff) -> HandoffStatus:
        return status_for(handoff, self._playbook, today=self._clock.now().date())

    def _status_from(self, present: set[str]) -> HandoffStatus:
        return status_from_fields(present, self._playbook)

    def _remember(
        self,
        session: Session,
        event: DealEvent,
        now: datetime,
        handoff_id: int | None,
        outcome: Outcome,
    ) -> None:
        repositories.record_inbox_event(session, **inbox_row(event, now, handoff_id, outcome))


def inbox_row(
    event: DealEvent, now: datetime, handoff_id: int | None, outcome: Outcome
) -> dict[str, Any]:
    """The inbox row that makes a redelivery of ``event`` a duplicate."""
    return {
        "source": event.source,
        "external_id": event.external_id,
        "received_at": now,
        "handoff_id": handoff_id,
        "outcome": outcome.value,
        "payload": {
            "deal_id": event.deal.id,
            "stage": event.deal.stage,
            "occurred_at": event.occurred_at.isoformat(),
        },
    }
