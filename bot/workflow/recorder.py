"""The rules of a handoff's state, shared by every service that changes one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.crm.tasks import follow_up_task
from bot.domain.read_models import ExceptionGrant, FieldLine, HandoffCard
from storage import deadline_store, repositories
from storage.enums import AuditAction, DeadlineKind, HandoffStatus, OutboxKind
from storage.models import Handoff

SALESFORCE = "salesforce"
STICKY = (HandoffStatus.UPCOMING, HandoffStatus.READY, HandoffStatus.CANCELLED)


def status_from_fields(present: set[str], playbook: Playbook) -> HandoffStatus:
    missing = [key for key in playbook.required_keys if key not in present]
    return HandoffStatus.HELD if missing else HandoffStatus.OPEN


def exception_active(handoff: Handoff, today: date) -> bool:
    if handoff.exception_by is None:
        return False
    return handoff.exception_until is None or handoff.exception_until >= today


def status_for(handoff: Handoff, playbook: Playbook, *, today: date) -> HandoffStatus:
    """Held while a required field is missing, unless a reviewer's exception is in force."""
    if handoff.status in STICKY:
        return handoff.status
    present = {value.key for value in handoff.fields if value.value.strip()}
    status = status_from_fields(present, playbook)
    if status is HandoffStatus.HELD and exception_active(handoff, today):
        return HandoffStatus.OPEN
    return status


def record_change(
    session: Session,
    *,
    handoff: Handoff,
    actor: str,
    action: AuditAction,
    now: datetime,
    detail: Mapping[str, object],
    playbook: Playbook,
    note: bool = True,
) -> None:
    """Audit a meaningful change and, with ``note``, tell the card's thread about it.

    The thread note is data (the audit action and its detail); the relay renders it, so the
    wording lives with the other Block Kit builders.
    """
    repositories.record_audit(
        session, handoff_id=handoff.id, at=now, actor=actor, action=action, detail=dict(detail)
    )
    sync_crm(session, crm=handoff.crm, handoff_id=handoff.id, now=now)
    if handoff.status in (HandoffStatus.READY, HandoffStatus.CANCELLED):
        deadline_store.cancel_deadlines(
            session,
            handoff_id=handoff.id,
            kinds=(DeadlineKind.SLA_WARN, DeadlineKind.SLA_BREACH),
        )
    if action is AuditAction.MARKED_READY and handoff.crm == SALESFORCE:
        repositories.enqueue(
            session,
            kind=OutboxKind.CRM_TASK,
            now=now,
            handoff_id=handoff.id,
            payload=follow_up_task(
                handoff.deal_name, handoff.owner_slack_id, now, playbook.salesforce.follow_up_days
            ),
        )
    if note:
        repositories.enqueue(
            session,
            kind=OutboxKind.THREAD_NOTE,
            now=now,
            handoff_id=handoff.id,
            payload={"action": action.value, "actor": actor, **detail},
        )


def sync_crm(session: Session, *, crm: str, handoff_id: int, now: datetime) -> None:
    """The CRM record mirrors the handoff: one pending write per handoff covers any change."""
    if crm == SALESFORCE:
        repositories.enqueue(
            session,
            kind=OutboxKind.CRM_SYNC,
            now=now,
            handoff_id=handoff_id,
            payload={},
            dedupe_key=f"crm-sync:{handoff_id}",
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


def missing_required(handoff: Handoff, playbook: Playbook) -> list[str]:
    present = {value.key for value in handoff.fields if value.value.strip()}
    return [key for key in playbook.required_keys if key not in present]


def card_snapshot(handoff: Handoff, playbook: Playbook) -> HandoffCard:
    """Everything the card and the brief show, detached from the session."""
    values = {value.key: value for value in handoff.fields}
    lines = tuple(
        FieldLine(
            key=spec.key,
            label=spec.label,
            required=spec.required,
            value=values[spec.key].value if spec.key in values else None,
            source=values[spec.key].source if spec.key in values else None,
            set_by=values[spec.key].set_by if spec.key in values else None,
            updated_at=values[spec.key].updated_at if spec.key in values else None,
            crm_value=values[spec.key].crm_value if spec.key in values else None,
        )
        for spec in playbook.fields
    )
    exception = (
        ExceptionGrant(
            by=handoff.exception_by,
            reason=handoff.exception_reason or "",
            at=handoff.exception_at,
            until=handoff.exception_until,
        )
        if handoff.exception_by and handoff.exception_at
        else None
    )
    return HandoffCard(
        handoff_id=handoff.id,
        version=handoff.state_version,
        deal_id=handoff.deal_id,
        deal_name=handoff.deal_name,
        account_name=handoff.account_name,
        stage=handoff.stage,
        amount=handoff.amount,
        currency=handoff.currency,
        close_date=handoff.close_date,
        deal_url=handoff.deal_url,
        status=handoff.status,
        ae_slack_id=handoff.ae_slack_id,
        ae_email=handoff.owner_email,
        owner_slack_id=handoff.owner_slack_id,
        sla_due_at=handoff.sla_due_at,
        fields=lines,
        exception=exception,
        sla_breached_at=handoff.sla_breached_at,
        kickoff_at=handoff.kickoff_at,
        first_value_at=handoff.first_value_at,
        onboarding_done_at=handoff.onboarding_done_at,
        feedback_at=handoff.feedback_at,
        sync_at=handoff.sync_at,
        sync_minutes=handoff.sync_minutes,
        sync_outcomes=handoff.sync_outcomes,
        follow_up_scheduled=handoff.sync_at is not None,
        ready_by=handoff.ready_by,
        ready_at=handoff.ready_at,
        success_plan_reviewed=handoff.success_plan_reviewed,
        channel_id=handoff.channel_id,
        card_ts=handoff.card_ts,
    )


def mark_changed(handoff: Handoff, now: datetime) -> None:
    """The handoff's card must be re-rendered: move its version on and schedule the relay."""
    handoff.state_version += 1
    handoff.updated_at = now
    handoff.card_next_attempt_at = now
    handoff.card_attempts = 0
