"""Queries the services run, named for what they answer. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session, selectinload

from storage.enums import AuditAction, OutboxStatus
from storage.models import AuditEvent, Handoff, InboxEvent, OutboxMessage


def find_inbox_event(session: Session, *, source: str, external_id: str) -> InboxEvent | None:
    return session.scalars(
        select(InboxEvent).where(InboxEvent.source == source, InboxEvent.external_id == external_id)
    ).one_or_none()


def find_handoff_by_deal(session: Session, *, crm: str, deal_id: str) -> Handoff | None:
    return session.scalars(
        select(Handoff)
        .where(Handoff.crm == crm, Handoff.deal_id == deal_id)
        .options(selectinload(Handoff.fields))
    ).one_or_none()


def get_handoff(session: Session, handoff_id: int) -> Handoff | None:
    return session.get(Handoff, handoff_id, options=[selectinload(Handoff.fields)])


def record_audit(
    session: Session,
    *,
    handoff: Handoff,
    at: datetime,
    actor: str,
    action: AuditAction,
    detail: dict[str, Any],
) -> None:
    session.add(AuditEvent(handoff_id=handoff.id, at=at, actor=actor, action=action, detail=detail))


def audit_trail(session: Session, handoff_id: int) -> Sequence[AuditEvent]:
    return session.scalars(
        select(AuditEvent).where(AuditEvent.handoff_id == handoff_id).order_by(AuditEvent.id)
    ).all()


def handoffs_with_stale_cards(session: Session, *, now: datetime, limit: int) -> Sequence[int]:
    """Handoffs whose card lags their state and whose retry time has come."""
    return session.scalars(
        select(Handoff.id)
        .where(
            Handoff.state_version > Handoff.rendered_version,
            or_(Handoff.card_next_attempt_at.is_(None), Handoff.card_next_attempt_at <= now),
            or_(Handoff.card_lease_until.is_(None), Handoff.card_lease_until < now),
        )
        .order_by(Handoff.card_next_attempt_at, Handoff.id)
        .limit(limit)
    ).all()


def lease_card(session: Session, *, handoff_id: int, now: datetime, until: datetime) -> bool:
    """Take the right to render one handoff's card; exactly one replica wins."""
    result = session.execute(
        update(Handoff)
        .where(
            Handoff.id == handoff_id,
            or_(Handoff.card_lease_until.is_(None), Handoff.card_lease_until < now),
        )
        .values(card_lease_until=until)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def due_outbox_ids(session: Session, *, now: datetime, limit: int) -> Sequence[int]:
    return session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()


def lease_outbox(session: Session, *, message_id: int, now: datetime, until: datetime) -> bool:
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1
