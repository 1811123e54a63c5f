"""The ledger's rows inside a transaction: views, the summary field, proposals found in calls,
reminders. Used by the commitments service and by the extraction's write."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.crm.tasks import CrmCommitment, takes_writes
from bot.domain.business_time import BusinessCalendar
from bot.domain.clock import Clock
from bot.domain.commitments import MOVES, OPEN, CommitmentView, summary, view_of
from bot.workflow.recorder import mark_changed, record_change
from bot.workflow.suggestion_rows import value_key
from storage import deadline_store, repositories
from storage.commitment_models import Commitment
from storage.context_models import ContextCommitment, ContextSource
from storage.deadline_store import DeadlineHandler, DueDeadline
from storage.enums import (
    AuditAction,
    CommitmentSource,
    CommitmentStatus,
    DeadlineKind,
    FieldSource,
    OutboxKind,
)
from storage.models import FieldValue, Handoff

LEDGER = "commitments"  # who set the summary field (FieldValue.set_by)


def rows_of(session: Session, handoff_id: int) -> list[Commitment]:
    return list(
        session.scalars(
            select(Commitment).where(Commitment.handoff_id == handoff_id).order_by(Commitment.id)
        )
    )


def list_commitments(session: Session, *, handoff_id: int) -> list[CommitmentView]:
    """The handoff's ledger, oldest first (the canvas and every list read it)."""
    return [view_of(row) for row in rows_of(session, handoff_id)]


def count_proposed(session: Session, handoff_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(Commitment.id)).where(
                Commitment.handoff_id == handoff_id,
                Commitment.status == CommitmentStatus.PROPOSED,
            )
        )
        or 0
    )


def refresh_summary(session: Session, handoff: Handoff, playbook: Playbook, now: datetime) -> None:
    """Make the summary field the ledger's confirmed and proposed commitments. A ledger that
    was never used leaves the field as it was; one whose every commitment was dropped empties
    it (a handoff that requires it is held again)."""
    key = playbook.commitments.summary_for(playbook.field_types)
    session.flush()
    rows = rows_of(session, handoff.id)
    if key is None or not rows:
        return
    text = summary(view_of(row) for row in rows)
    current = next((value for value in handoff.fields if value.key == key), None)
    if not text:
        if current is not None:
            handoff.fields.remove(current)
        return
    if current is None:
        handoff.fields.append(
            FieldValue(
                key=key, value=text, source=FieldSource.PERSON, set_by=LEDGER, updated_at=now
            )
        )
    elif current.value != text or current.set_by != LEDGER:
        current.value, current.source, current.set_by = text, FieldSource.PERSON, LEDGER
        current.updated_at, current.crm_value = now, None
        current.suggested_from = current.suggested_quote = None
        current.suggestion_id = None


def propose_found(session: Session, handoff: Handoff, now: datetime) -> list[Commitment]:
    """Propose each promise the extractor found that the ledger does not hold yet (by its
    wording): the quote and the link of the call or message it came from go with it."""
    known = set(
        session.scalars(
            select(Commitment.finding_key).where(
                Commitment.handoff_id == handoff.id, Commitment.finding_key.is_not(None)
            )
        )
    )
    found = session.execute(
        select(ContextCommitment, ContextSource)
        .join(ContextSource, ContextSource.id == ContextCommitment.source_id)
        .where(ContextCommitment.handoff_id == handoff.id)
        .order_by(ContextCommitment.id)
    ).all()
    added: list[Commitment] = []
    for finding, source in found:
        key = value_key(finding.text)
        if key in known:
            continue
        known.add(key)
        row = Commitment(
            handoff_id=handoff.id,
            text=finding.text[:500],
            promised_by=finding.by,
            promised_to=handoff.account_name,
            due_on=finding.due,
            status=CommitmentStatus.PROPOSED,
            owner_slack_id=handoff.owner_slack_id,
            source_kind=CommitmentSource.EXTRACTED,
            source_quote=finding.quote,
            source_url=source.url,
            source_id=source.id,
            finding_key=key,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        added.append(row)
    session.flush()
    return added


def schedule_reminder(
    session: Session,
    row: Commitment,
    *,
    playbook: Playbook,
    calendar: BusinessCalendar,
    now: datetime,
) -> None:
    """One reminder to the owner, ``reminder_lead_days`` working days before it is due; a
    stale one (the date moved, the status changed, already sent) does nothing when due."""
    if row.due_on is None or row.status not in OPEN:
        return
    stamp = {"commitment_id": row.id, "due_on": row.due_on.isoformat()}
    if row.reminded_at is None:
        lead = playbook.commitments.reminder_lead_days
        remind_at = calendar.working_days_before(row.due_on, lead)
        deadline_store.schedule_deadline(
            session,
            handoff_id=row.handoff_id,
            kind=DeadlineKind.COMMITMENT_DUE,
            due_at=max(remind_at, now),
            payload=stamp,
        )
    if row.overdue_at is None:
        # Overdue from the opening of the first working day after it was due.
        late_at = calendar.opening_after(row.due_on)
        deadline_store.schedule_deadline(
            session,
            handoff_id=row.handoff_id,
            kind=DeadlineKind.COMMITMENT_DUE,
            due_at=max(late_at, now),
            payload={**stamp, "overdue": True},
        )


def reminder_still_due(row: Commitment | None, payload: dict[str, object]) -> bool:
    if row is None:
        return False
    done = row.overdue_at if payload.get("overdue") else row.reminded_at
    return (
        row.status in OPEN
        and done is None
        and row.due_on is not None
        and payload.get("due_on") == row.due_on.isoformat()
    )


def overdue_rows(session: Session, today: date) -> list[Commitment]:
    return list(
        session.scalars(
            select(Commitment)
            .where(Commitment.status.in_(OPEN), Commitment.due_on < today)
            .order_by(Commitment.due_on, Commitment.id)
        )
    )


def on_commitment_due(clock: Clock) -> DeadlineHandler:
    """The sweeper's handler: nudge the commitment's owner once before it is due (quiet hours
    are the nudge delivery's); a stale reminder does nothing."""

    def handle(session: Session, deadline: DueDeadline) -> None:
        payload = deadline.payload or {}
        row = session.get(Commitment, int(str(payload.get("commitment_id", 0))))
        if row is None or not reminder_still_due(row, payload):
            return
        handoff = session.get(Handoff, row.handoff_id)
        if handoff is None:
            return
        now = clock.now()
        if payload.get("overdue"):
            row.overdue_at = now
            mark_changed(handoff, now)  # the card shows it overdue
            record_change(
                session, handoff=handoff, actor="handoff", action=AuditAction.COMMITMENT_OVERDUE,
                now=now, detail={"commitment_id": row.id, "text": row.text},
            )  # fmt: skip
            return
        row.reminded_at = now
        to = row.owner_slack_id or handoff.owner_slack_id
        if to:
            repositories.enqueue(
                session,
                kind=OutboxKind.NUDGE,
                now=now,
                handoff_id=handoff.id,
                payload={
                    "blocker": "commitment_due",
                    "to": to,
                    "commitment_id": row.id,
                    "text": row.text,
                    "due_on": row.due_on.isoformat() if row.due_on else None,
                },
            )
        record_change(
            session, handoff=handoff, actor="handoff", action=AuditAction.COMMITMENT_REMINDED,
            now=now, detail={"commitment_id": row.id, "text": row.text, "to": to}, note=False,
        )  # fmt: skip

    return handle


FEEDBACK_MOVES = {
    "delivered": CommitmentStatus.DELIVERED,
    "at_risk": CommitmentStatus.AT_RISK,
    "not_ours": CommitmentStatus.DROPPED,
}
MOVE_ACTIONS = {
    CommitmentStatus.DELIVERED: AuditAction.COMMITMENT_DELIVERED,
    CommitmentStatus.AT_RISK: AuditAction.COMMITMENT_AT_RISK,
    CommitmentStatus.DROPPED: AuditAction.COMMITMENT_DROPPED,
}


def apply_feedback(
    session: Session,
    handoff: Handoff,
    answers: dict[str, dict[str, str]],
    *,
    actor: str,
    now: datetime,
) -> dict[str, dict[str, str]]:
    """The two-week feedback on each commitment: stored on it, and its status follows
    (delivered, at risk, or dropped as not ours to keep). Returns the answers with each
    commitment's wording, as the AE reads them."""
    read: dict[str, dict[str, str]] = {}
    for key, answer in answers.items():
        row = session.get(Commitment, int(key)) if key.isdigit() else None
        if row is None or row.handoff_id != handoff.id:
            continue
        row.feedback, row.feedback_note = answer["answer"], answer.get("missing") or None
        row.updated_at = now
        read[key] = {**answer, "text": row.text}
        to = FEEDBACK_MOVES.get(answer["answer"])
        if to is None or to not in MOVES[row.status]:
            continue
        row.status = to
        if to is CommitmentStatus.DELIVERED:
            row.delivered_at = now
        if to is CommitmentStatus.DROPPED:
            row.drop_reason = "not ours to keep" + (
                f": {row.feedback_note}" if row.feedback_note else ""
            )
        queue_crm_commitment(session, handoff, row, now)
        record_change(
            session, handoff=handoff, actor=actor, action=MOVE_ACTIONS[to], now=now,
            detail={"commitment_id": row.id, "text": row.text, "feedback": answer["answer"]},
            note=False,
        )  # fmt: skip
    return read


def queue_crm_commitment(
    session: Session, handoff: Handoff, row: Commitment, now: datetime
) -> None:
    """A commitment confirmed at some point is on the deal; each later change is sent too (one
    pending write per commitment covers any number of changes)."""
    if row.confirmed_at is None or not takes_writes(handoff.crm):
        return
    repositories.enqueue(
        session,
        kind=OutboxKind.CRM_COMMITMENT,
        now=now,
        handoff_id=handoff.id,
        payload={"commitment_id": row.id},
        dedupe_key=f"crm-commitment:{row.id}",
        crm=handoff.crm,
    )


def commitment_for_crm(session: Session, commitment_id: int) -> CrmCommitment | None:
    """The commitment as a CRM shows it, read when the write is sent."""
    row = session.get(Commitment, commitment_id)
    handoff = session.get(Handoff, row.handoff_id) if row else None
    if row is None or handoff is None:
        return None
    return CrmCommitment.of(view_of(row), deal_id=handoff.deal_id)


def remember_crm_task(session: Session, commitment_id: int, task_id: str) -> None:
    row = session.get(Commitment, commitment_id)
    if row is not None:
        row.crm_task_id = task_id[:64]
