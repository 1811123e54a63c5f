"""The handoff sync: a 15–30 minute internal meeting, its agenda, invites, reminder, outcomes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.errors import HandoffError, Refused
from bot.domain.permissions import Permission
from bot.domain.read_models import HandoffCard
from bot.workflow.changes import HandoffChanges
from bot.workflow.recorder import queue_crm_note
from storage import deadline_store, repositories
from storage.deadline_store import DueDeadline
from storage.enums import AuditAction, DeadlineKind, HandoffStatus, OutboxKind
from storage.models import Handoff

DURATIONS = (15, 20, 30)
REMINDER_BEFORE = timedelta(minutes=15)
SYNC_KINDS = (DeadlineKind.SYNC_REMINDER, DeadlineKind.SYNC_OUTCOMES)


class SyncMeetingService(HandoffChanges):
    def suggested_attendees(self, card: HandoffCard) -> list[str]:
        """Who the sync invites unless the organiser changes it: the AE, the owner, and a
        reviewer — the one who signed off, else the first of ``team.reviewers`` (user groups
        expanded to their members)."""
        reviewer = card.ready_by
        for entry in self._playbook.team.reviewers:
            if reviewer:
                break
            try:
                reviewer = next(iter(self._roles.expand(entry)), None)
            except HandoffError:
                continue  # Slack is away and the group is not cached: suggest the others
        people = [card.ae_slack_id, card.owner_slack_id, reviewer]
        return list(dict.fromkeys(person for person in people if person))

    def sync_errors(self, *, start: datetime | None, minutes: int | None) -> dict[str, str]:
        errors: dict[str, str] = {}
        if start is None:
            errors["start"] = "Pick a date and a time."
        elif start <= self._clock.now():
            errors["start"] = "Pick a time in the future."
        if minutes not in DURATIONS:
            errors["minutes"] = "A handoff sync lasts 15, 20 or 30 minutes."
        return errors

    def schedule(
        self, *, handoff_id: int, actor: str, start: datetime, minutes: int, attendees: list[str]
    ) -> None:
        now = self._clock.now()
        if self.sync_errors(start=start, minutes=minutes):
            raise Refused("The sync could not be scheduled; open Schedule sync again.")
        with self._acting(handoff_id, actor, Permission.SCHEDULE_SYNC) as (
            session,
            handoff,
        ):
            people = sorted({*attendees, actor})
            handoff.sync_at, handoff.sync_minutes, handoff.sync_attendees = start, minutes, people
            handoff.sync_outcomes = None
            deadline_store.cancel_deadlines(session, handoff_id=handoff_id, kinds=SYNC_KINDS)
            if start - REMINDER_BEFORE > now:
                deadline_store.schedule_deadline(
                    session,
                    handoff_id=handoff_id,
                    kind=DeadlineKind.SYNC_REMINDER,
                    due_at=start - REMINDER_BEFORE,
                )
            deadline_store.schedule_deadline(
                session,
                handoff_id=handoff_id,
                kind=DeadlineKind.SYNC_OUTCOMES,
                due_at=start + timedelta(minutes=minutes),
            )
            for person in people:
                repositories.enqueue(
                    session,
                    kind=OutboxKind.SYNC_INVITE,
                    now=now,
                    handoff_id=handoff_id,
                    payload={"to": person},
                )
            self._changed(
                session,
                handoff,
                actor,
                AuditAction.SYNC_SCHEDULED,
                now,
                {"start": start.isoformat(), "minutes": minutes, "attendees": people},
            )

    def capture_outcomes(
        self, *, handoff_id: int, actor: str, summary: str, action_items: str, concerns: str
    ) -> None:
        now = self._clock.now()
        with self._acting(handoff_id, actor, Permission.CAPTURE_OUTCOMES, open_only=False) as (
            session,
            handoff,
        ):
            if handoff.sync_at is None:
                raise Refused("No handoff sync was scheduled for this handoff.")
            outcomes = {"summary": summary, "action_items": action_items, "concerns": concerns}
            handoff.sync_outcomes = outcomes
            deadline_store.cancel_deadlines(
                session, handoff_id=handoff_id, kinds=(DeadlineKind.SYNC_OUTCOMES,)
            )
            text = "\n\n".join(
                f"{k.replace('_', ' ').capitalize()}:\n{v}" for k, v in outcomes.items()
            )
            queue_crm_note(
                session,
                handoff=handoff,
                subject=f"Handoff sync outcomes: {handoff.deal_name}",
                author=actor,
                now=now,
                text=text,
            )
            self._changed(session, handoff, actor, AuditAction.OUTCOMES_CAPTURED, now, outcomes)

    # -- the sweeper's handlers --------------------------------------------------------------
    def on_reminder(self, session: Session, deadline: DueDeadline) -> None:
        handoff = session.get(Handoff, deadline.handoff_id)
        if handoff is None or handoff.sync_at is None or handoff.status is HandoffStatus.CANCELLED:
            return
        for person in handoff.sync_attendees or []:
            repositories.enqueue(
                session,
                kind=OutboxKind.NUDGE,
                now=self._clock.now(),
                handoff_id=handoff.id,
                payload={"blocker": "sync_reminder", "to": person, "urgent": True},
            )

    def on_outcomes_due(self, session: Session, deadline: DueDeadline) -> None:
        handoff = session.get(Handoff, deadline.handoff_id)
        if handoff is None or handoff.sync_outcomes is not None or handoff.owner_slack_id is None:
            return
        repositories.enqueue(
            session,
            kind=OutboxKind.NUDGE,
            now=self._clock.now(),
            handoff_id=handoff.id,
            payload={
                "blocker": "sync_outcomes",
                "to": handoff.owner_slack_id,
                "urgent": True,
            },
        )
