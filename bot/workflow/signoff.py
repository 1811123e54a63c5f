"""Signing a handoff off: a reviewer's exception, and the "handoff ready" flag."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.domain.clock import Clock
from bot.domain.errors import Refused
from bot.domain.permissions import Permission
from bot.domain.read_models import HandoffCard
from bot.domain.snapshot import card_snapshot
from bot.domain.status import exception_active, missing_required, status_for
from bot.workflow.changes import HandoffChanges
from bot.workflow.commitment_rows import count_proposed
from bot.workflow.recorder import mark_changed, record_change
from storage import deadline_store
from storage.deadline_store import DeadlineHandler, DueDeadline
from storage.enums import AuditAction, DeadlineKind, HandoffStatus
from storage.models import Handoff


class SignoffService(HandoffChanges):
    def grant_exception(
        self, *, handoff_id: int, actor: str, reason: str, until: str | None
    ) -> None:
        now = self._clock.now()
        if self.exception_errors(reason=reason, until=until):
            raise Refused("The exception could not be granted; open it again and check the form.")
        end = date.fromisoformat(until) if until else None
        with self._acting(handoff_id, actor, Permission.GRANT_EXCEPTION) as (
            session,
            handoff,
        ):
            missing = missing_required(handoff, self._playbook)
            proposed = count_proposed(session, handoff.id)
            if not missing and not proposed:
                raise Refused(
                    "No required field is missing and no commitment waits for review, so no "
                    "exception is needed."
                )
            handoff.exception_by, handoff.exception_reason = actor, reason.strip()
            handoff.exception_at, handoff.exception_until = now, end
            deadline_store.cancel_deadlines(
                session, handoff_id=handoff_id, kinds=(DeadlineKind.EXCEPTION_EXPIRY,)
            )
            if end is not None:
                expires = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)
                deadline_store.schedule_deadline(
                    session,
                    handoff_id=handoff_id,
                    kind=DeadlineKind.EXCEPTION_EXPIRY,
                    due_at=expires,
                )
            self._changed(
                session,
                handoff,
                actor,
                AuditAction.EXCEPTION_GRANTED,
                now,
                {
                    "reason": reason.strip(),
                    "until": until,
                    "missing": missing,
                    "unreviewed_commitments": proposed,
                },
            )

    def exception_errors(self, *, reason: str, until: str | None) -> dict[str, str]:
        errors: dict[str, str] = {}
        if len(reason.strip()) < 5:
            errors["reason"] = "Say why in a few words; it is shown on the card."
        elif len(reason.strip()) > 500:
            errors["reason"] = "Keep it under 500 characters."
        if until and date.fromisoformat(until) < self._clock.now().date():
            errors["until"] = "Pick today or a later date."
        return errors

    def authorize_ready(self, *, handoff_id: int, actor: str) -> HandoffCard:
        """A reviewer may sign off, and the handoff meets the bar: open the confirmation."""
        with self._acting(handoff_id, actor, Permission.MARK_READY, reading=True) as (s, handoff):
            self._ready_or_refuse(s, handoff, self._clock.now())
            return card_snapshot(handoff, self._playbook)

    def mark_ready(self, *, handoff_id: int, actor: str, success_plan_reviewed: bool) -> None:
        now = self._clock.now()
        with self._acting(handoff_id, actor, Permission.MARK_READY) as (
            session,
            handoff,
        ):
            self._ready_or_refuse(session, handoff, now)
            handoff.status = HandoffStatus.READY
            handoff.ready_by, handoff.ready_at = actor, now
            handoff.success_plan_reviewed = success_plan_reviewed
            self._changed(
                session,
                handoff,
                actor,
                AuditAction.MARKED_READY,
                now,
                {"status": ["open", "ready"], "success_plan_reviewed": success_plan_reviewed},
            )

    def _ready_or_refuse(self, session: Session, handoff: Handoff, now: datetime) -> None:
        if handoff.status is HandoffStatus.READY:
            raise Refused(f"<@{handoff.ready_by}> already marked this handoff ready.")
        if handoff.status is HandoffStatus.UPCOMING:
            raise Refused("The deal has not closed yet; mark it ready once it has.")
        if handoff.owner_slack_id is None:
            raise Refused("A CSM must own this handoff before it can be marked ready.")
        missing = missing_required(handoff, self._playbook)
        if missing and not exception_active(handoff, now.date()):
            labels = ", ".join(spec.label for spec in self._playbook.fields if spec.key in missing)
            raise Refused(
                f"Required fields are missing ({labels}). Fill them, or a reviewer can grant "
                "an exception."
            )
        proposed = count_proposed(session, handoff.id)
        if proposed and not exception_active(handoff, now.date()):
            raise Refused(
                f"{proposed} commitment(s) still wait for review: the owner confirms or drops "
                "each (Review commitments in the sync agenda), or a reviewer can grant an "
                "exception."
            )


def on_exception_expiry(playbook: Playbook, clock: Clock) -> DeadlineHandler:
    """The sweeper's handler: an exception past its end date holds the handoff again."""

    def handle(session: Session, deadline: DueDeadline) -> None:
        handoff = session.get(Handoff, deadline.handoff_id)
        if handoff is None or handoff.status is not HandoffStatus.OPEN:
            return
        now = clock.now()
        status = status_for(handoff, playbook, today=now.date())
        if status is HandoffStatus.HELD:
            handoff.status = status
            mark_changed(handoff, now)
            record_change(
                session,
                handoff=handoff,
                actor="handoff",
                action=AuditAction.EXCEPTION_EXPIRED,
                now=now,
                detail={"until": str(handoff.exception_until)},
            )

    return handle
