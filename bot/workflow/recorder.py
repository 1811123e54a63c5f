"""Recording a change: the audit row, the thread note, the CRM write-back, Home refreshes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from bot.crm.tasks import activity_note, follow_up_task, takes_writes
from storage import deadline_store, repositories
from storage.enums import AuditAction, DeadlineKind, HandoffStatus, OutboxKind
from storage.glances import HandoffGlance
from storage.models import Handoff


def record_change(
    session: Session,
    *,
    handoff: Handoff | HandoffGlance,
    actor: str,
    action: AuditAction,
    now: datetime,
    detail: Mapping[str, object],
    note: bool = True,
) -> None:
    """Audit a meaningful change and, with ``note``, tell the card's thread about it.

    The thread note is data (the audit action and its detail); the relay renders it, so the
    wording lives with the other Block Kit builders.
    """
    repositories.record_audit(
        session, handoff_id=handoff.id, at=now, actor=actor, action=action, detail=dict(detail)
    )
    queue_write_back(session, crm=handoff.crm, handoff_id=handoff.id, now=now)
    if handoff.status in (HandoffStatus.READY, HandoffStatus.CANCELLED):
        # Finished: the SLA and any exception's end date no longer oblige anything.
        deadline_store.cancel_deadlines(
            session,
            handoff_id=handoff.id,
            kinds=(DeadlineKind.SLA_WARN, DeadlineKind.SLA_BREACH, DeadlineKind.EXCEPTION_EXPIRY),
        )
    if action is AuditAction.MARKED_READY and takes_writes(handoff.crm):
        repositories.enqueue(
            session,
            kind=OutboxKind.CRM_TASK,
            now=now,
            handoff_id=handoff.id,
            payload=follow_up_task(
                deal_name=handoff.deal_name, owner=handoff.owner_slack_id, ready_at=now
            ),
            crm=handoff.crm,
        )
    if note:
        repositories.enqueue(
            session,
            kind=OutboxKind.THREAD_NOTE,
            now=now,
            handoff_id=handoff.id,
            payload={"action": action.value, "actor": actor, **detail},
        )


def queue_write_back(session: Session, *, crm: str, handoff_id: int, now: datetime) -> None:
    """Queue the CRM write-back: one pending write per handoff covers any change."""
    if takes_writes(crm):
        repositories.enqueue(
            session,
            kind=OutboxKind.CRM_WRITE_BACK,
            now=now,
            handoff_id=handoff_id,
            payload={},
            dedupe_key=f"crm-write-back:{handoff_id}",
            crm=crm,
        )


def queue_crm_note(
    session: Session, *, handoff: Handoff, subject: str, author: str, now: datetime, text: str
) -> None:
    """Record what happened (sync outcomes, feedback) on the deal, in any CRM that takes it."""
    if takes_writes(handoff.crm):
        repositories.enqueue(
            session,
            kind=OutboxKind.CRM_NOTE,
            now=now,
            handoff_id=handoff.id,
            payload=activity_note(subject=subject, author=author, at=now, text=text),
            crm=handoff.crm,
        )


def refresh_homes(session: Session, users: Iterable[str | None], now: datetime) -> None:
    """Ask the relay to re-publish these people's App Home (one pending refresh each)."""
    for user in {u for u in users if u}:
        repositories.enqueue(
            session,
            kind=OutboxKind.PUBLISH_HOME,
            now=now,
            payload={"user_id": user},
            dedupe_key=f"home:{user}",
        )


def mark_changed(handoff: Handoff, now: datetime) -> None:
    """The handoff's card must be re-rendered: move its version on and schedule the relay."""
    handoff.state_version += 1
    handoff.updated_at = now
    handoff.card_next_attempt_at = now
    handoff.card_attempts = 0
