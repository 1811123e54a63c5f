"""The SLA clock: a nudge at the warn mark to whoever is blocking, an escalation at breach."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.domain.business_time import BusinessCalendar
from bot.domain.clock import Clock
from bot.domain.errors import NotFound, Refused
from bot.domain.status import exception_active, missing_keys
from bot.workflow.recorder import mark_changed, record_change
from storage import deadline_store, glances, repositories
from storage.db import SessionFactory
from storage.deadline_store import DueDeadline
from storage.enums import AuditAction, DeadlineKind, HandoffStatus, OutboxKind
from storage.glances import HandoffGlance
from storage.models import Handoff

log = logging.getLogger(__name__)

SLA_KINDS = (DeadlineKind.SLA_WARN, DeadlineKind.SLA_BREACH)
# The kinds whose handlers only read handoffs as glances (the sweeper reads those in bulk).
GLANCING_KINDS = (DeadlineKind.SLA_WARN,)
DONE = (HandoffStatus.READY, HandoffStatus.CANCELLED)


def blocker(handoff: HandoffGlance, playbook: Playbook, today: datetime) -> tuple[str, list[str]]:
    """What holds the handoff up, and who can unblock it (channel ids, user ids, @handles)."""
    card_channel = [handoff.channel_id] if handoff.channel_id else []
    if handoff.owner_slack_id is None:
        cs = playbook.channels.cs_channel_id
        return "unclaimed", [cs] if cs else card_channel
    if missing_keys(handoff.filled, playbook) and not exception_active(handoff, today.date()):
        return "fields", [handoff.ae_slack_id] if handoff.ae_slack_id else card_channel
    return "review", list(playbook.team.reviewers) or card_channel


class SlaService:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        playbook: Playbook,
        calendar: BusinessCalendar,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._playbook = playbook
        self._calendar = calendar

    # -- deadline handlers (run by the sweeper inside its transaction) -------------------------
    def on_warn(self, session: Session, deadline: DueDeadline) -> None:
        handoff = glances.glance(session, deadline.handoff_id)
        if handoff is None or handoff.status in DONE or handoff.status is HandoffStatus.UPCOMING:
            return
        now = self._clock.now()
        day = self._calendar.business_day(now).isoformat()
        if (handoff.nudged_on or {}).get(DeadlineKind.SLA_WARN.value) == day:
            return  # one nudge of a kind per business day
        repositories.remember_nudge(
            session, handoff=handoff, kind=DeadlineKind.SLA_WARN.value, day=day
        )
        reason, recipients = blocker(handoff, self._playbook, now)
        for recipient in recipients:
            repositories.enqueue(
                session,
                kind=OutboxKind.NUDGE,
                now=now,
                handoff_id=handoff.id,
                payload={"blocker": reason, "to": recipient, "kind": DeadlineKind.SLA_WARN.value},
            )
        record_change(
            session,
            handoff=handoff,
            actor="handoff",
            action=AuditAction.NUDGED,
            now=now,
            detail={
                "kind": DeadlineKind.SLA_WARN.value,
                "day": day,
                "blocker": reason,
                "to": recipients,
            },
            note=False,
        )

    def on_breach(self, session: Session, deadline: DueDeadline) -> None:
        handoff = session.get(Handoff, deadline.handoff_id)
        if handoff is None or handoff.status in DONE or handoff.sla_breached_at is not None:
            return
        now = self._clock.now()
        reason, _ = blocker(HandoffGlance.of(handoff), self._playbook, now)
        sla = self._playbook.sla
        targets = [sla.escalation_channel_id] if sla.escalation_channel_id else list(sla.managers)
        if not targets and handoff.channel_id:
            targets = [handoff.channel_id]
        for target in targets:
            repositories.enqueue(
                session,
                kind=OutboxKind.ESCALATION,
                now=now,
                handoff_id=handoff.id,
                payload={"blocker": reason, "to": target},
            )
        handoff.sla_breached_at = now
        mark_changed(handoff, now)
        record_change(
            session,
            handoff=handoff,
            actor="handoff",
            action=AuditAction.ESCALATED,
            now=now,
            detail={"blocker": reason, "to": targets},
        )

    # -- buttons on a nudge -------------------------------------------------------------------
    def snooze(self, *, handoff_id: int, actor: str) -> datetime:
        """Nudge again one business day from now; when that will be."""
        now = self._clock.now()
        until = self._calendar.next_business_day(now)
        with self._sessions.begin() as session:
            handoff = self._live(session, handoff_id)
            deadline_store.cancel_deadlines(
                session, handoff_id=handoff_id, kinds=(DeadlineKind.SLA_WARN,)
            )
            deadline_store.schedule_deadline(
                session, handoff_id=handoff_id, kind=DeadlineKind.SLA_WARN, due_at=until
            )
            record_change(
                session,
                handoff=handoff,
                actor=actor,
                action=AuditAction.SNOOZED,
                now=now,
                detail={"until": until.isoformat()},
                note=False,
            )
        return until

    def acknowledge(self, *, handoff_id: int, actor: str) -> None:
        now = self._clock.now()
        with self._sessions.begin() as session:
            handoff = self._live(session, handoff_id)
            record_change(
                session,
                handoff=handoff,
                actor=actor,
                action=AuditAction.ACKNOWLEDGED,
                now=now,
                detail={},
            )

    def _live(self, session: Session, handoff_id: int) -> Handoff:
        handoff = session.get(Handoff, handoff_id)
        if handoff is None:
            raise NotFound("That handoff no longer exists.")
        if handoff.status in DONE:
            raise Refused("This handoff is already done; no more reminders will come.")
        return handoff
