"""After the handoff: kickoff, first value, onboarding done, and the two-week feedback to the AE."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.domain.business_time import BusinessCalendar
from bot.domain.clock import Clock
from bot.domain.errors import Refused
from bot.domain.permissions import Permission
from bot.domain.roles import RoleDirectory
from bot.workflow.changes import HandoffChanges
from bot.workflow.commitment_rows import apply_feedback, refresh_summary
from bot.workflow.recorder import queue_crm_note, record_change
from storage import deadline_store, repositories
from storage.db import SessionFactory
from storage.deadline_store import DueDeadline
from storage.enums import AuditAction, DeadlineKind, HandoffStatus, OutboxKind
from storage.models import Handoff


class MilestoneService(HandoffChanges):
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        playbook: Playbook,
        roles: RoleDirectory,
        calendar: BusinessCalendar,
    ) -> None:
        super().__init__(sessions=sessions, clock=clock, playbook=playbook, roles=roles)
        self._calendar = calendar

    def record_kickoff(self, *, handoff_id: int, actor: str, day: date) -> None:
        """The customer kickoff was held on ``day``; the feedback request is scheduled from it."""
        now = self._clock.now()
        if day > now.date():
            raise Refused("The kickoff date cannot be in the future.")
        with self._owned(handoff_id, actor) as (session, handoff):
            held = datetime.combine(day, now.timetz())
            handoff.kickoff_at = held
            due = self._calendar.next_open(
                held + timedelta(days=self._playbook.feedback.after_days)
            )
            deadline_store.cancel_deadlines(
                session, handoff_id=handoff_id, kinds=(DeadlineKind.FEEDBACK_REQUEST,)
            )
            deadline_store.schedule_deadline(
                session, handoff_id=handoff_id, kind=DeadlineKind.FEEDBACK_REQUEST, due_at=due
            )
            self._changed(
                session,
                handoff,
                actor,
                AuditAction.KICKOFF_HELD,
                now,
                {"day": day.isoformat(), "feedback_due": due.isoformat()},
            )

    def record_first_value(self, *, handoff_id: int, actor: str) -> None:
        self._milestone(handoff_id, actor, "first_value_at", AuditAction.FIRST_VALUE)

    def record_onboarding_done(self, *, handoff_id: int, actor: str) -> None:
        self._milestone(handoff_id, actor, "onboarding_done_at", AuditAction.ONBOARDING_DONE)

    def submit_feedback(self, *, handoff_id: int, actor: str, answers: dict[str, object]) -> None:
        now = self._clock.now()
        with self._owned(handoff_id, actor) as (session, handoff):
            if handoff.feedback_at is not None:
                raise Refused("Feedback for this handoff was already sent.")
            promises = answers.get("commitments")
            if isinstance(promises, dict) and promises:
                kept = apply_feedback(session, handoff, promises, actor=actor, now=now)
                answers = {**answers, "commitments": kept}
                refresh_summary(session, handoff, self._playbook, now)
            handoff.feedback, handoff.feedback_at = dict(answers), now
            deadline_store.cancel_deadlines(
                session, handoff_id=handoff_id, kinds=(DeadlineKind.FEEDBACK_REQUEST,)
            )
            if handoff.ae_slack_id:
                repositories.enqueue(
                    session,
                    kind=OutboxKind.NUDGE,
                    now=now,
                    handoff_id=handoff_id,
                    payload={
                        "blocker": "feedback_delivered",
                        "to": handoff.ae_slack_id,
                        "from": actor,
                        "answers": dict(answers),
                    },
                )
            queue_crm_note(
                session,
                handoff=handoff,
                subject=f"Handoff feedback: {handoff.deal_name}",
                author=actor,
                now=now,
                text=_as_text(answers),
            )
            self._changed(
                session, handoff, actor, AuditAction.FEEDBACK_SENT, now, {"answers": dict(answers)}
            )

    # -- the sweeper's handler --------------------------------------------------------------
    def on_feedback_request(self, session: Session, deadline: DueDeadline) -> None:
        """Ask the owner for feedback; remind them (capped) until it is sent."""
        handoff = session.get(Handoff, deadline.handoff_id)
        if handoff is None or handoff.feedback_at is not None or handoff.owner_slack_id is None:
            return
        now = self._clock.now()
        feedback = self._playbook.feedback
        repositories.enqueue(
            session,
            kind=OutboxKind.NUDGE,
            now=now,
            handoff_id=handoff.id,
            payload={
                "blocker": "feedback",
                "to": handoff.owner_slack_id,
                "reminder": handoff.feedback_requests,
            },
        )
        handoff.feedback_requests += 1
        if handoff.feedback_requests <= feedback.max_reminders:
            later = self._calendar.next_open(now + timedelta(days=feedback.reminder_days))
            deadline_store.schedule_deadline(
                session, handoff_id=handoff.id, kind=DeadlineKind.FEEDBACK_REQUEST, due_at=later
            )
        record_change(
            session,
            handoff=handoff,
            actor="handoff",
            action=AuditAction.FEEDBACK_REQUESTED,
            now=now,
            detail={"request": handoff.feedback_requests},
            note=False,
        )

    # -- helpers -----------------------------------------------------------------------------
    def _milestone(self, handoff_id: int, actor: str, column: str, action: AuditAction) -> None:
        now = self._clock.now()
        with self._owned(handoff_id, actor) as (session, handoff):
            if handoff.kickoff_at is None:
                raise Refused("Record the customer kickoff first.")
            if getattr(handoff, column) is not None:
                raise Refused("That is already recorded.")
            setattr(handoff, column, now)
            self._changed(session, handoff, actor, action, now, {})

    @contextmanager
    def _owned(self, handoff_id: int, actor: str) -> Iterator[tuple[Session, Handoff]]:
        with self._acting(handoff_id, actor, Permission.RECORD_MILESTONE, open_only=False) as (
            session,
            handoff,
        ):
            if handoff.status is not HandoffStatus.READY:
                raise Refused("Milestones are recorded once the handoff is marked ready.")
            yield session, handoff


def _as_text(answers: dict[str, object]) -> str:
    lines = [
        f"{key.replace('_', ' ').capitalize()}: {value}"
        for key, value in answers.items()
        if key != "commitments"
    ]
    promises = answers.get("commitments")
    for item in promises.values() if isinstance(promises, dict) else ():
        missing = f" (missing: {item['missing']})" if item.get("missing") else ""
        lines.append(f"Commitment “{item.get('text')}”: {item.get('answer')}{missing}")
    return "\n".join(lines)
