"""The commitments ledger's weekly figures: confirmed at the sync, delivered on time, at risk,
dropped, and per AE how many of their proposed commitments survived the sync."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.domain.read_models import CommitmentKpis
from storage.commitment_models import Commitment
from storage.db import SessionFactory
from storage.enums import AuditAction, CommitmentStatus
from storage.models import AuditEvent, Handoff


def commitment_kpis(sessions: SessionFactory, *, start: datetime, end: datetime) -> CommitmentKpis:
    with sessions.begin() as session:

        def moved(action: AuditAction) -> int:
            return int(
                session.scalar(
                    select(func.count(AuditEvent.id)).where(
                        AuditEvent.action == action, AuditEvent.at >= start, AuditEvent.at < end
                    )
                )
                or 0
            )

        confirmed = session.scalars(
            select(Commitment).where(
                Commitment.confirmed_at >= start, Commitment.confirmed_at < end
            )
        ).all()
        delivered = session.scalars(
            select(Commitment).where(
                Commitment.delivered_at >= start, Commitment.delivered_at < end
            )
        ).all()
        on_time = [
            c
            for c in delivered
            if c.delivered_at and (c.due_on is None or c.delivered_at.date() <= c.due_on)
        ]
        # Decided this week: confirmed, or dropped while still proposed (at the review).
        decided = session.execute(
            select(Commitment, Handoff.ae_slack_id)
            .join(Handoff, Handoff.id == Commitment.handoff_id)
            .where(
                (Commitment.confirmed_at >= start) & (Commitment.confirmed_at < end)
                | (
                    (Commitment.status == CommitmentStatus.DROPPED)
                    & Commitment.confirmed_at.is_(None)
                    & (Commitment.updated_at >= start)
                    & (Commitment.updated_at < end)
                )
            )
        ).all()
        per_ae: dict[str, tuple[int, int]] = {}
        for row, ae in decided:
            if ae is None or (row.drop_reason or "").startswith("merged into"):
                continue  # a merge is one promise said twice, not a promise lost
            kept, total = per_ae.get(ae, (0, 0))
            per_ae[ae] = (kept + (row.confirmed_at is not None), total + 1)
        return CommitmentKpis(
            confirmed=len(confirmed),
            delivered=len(delivered),
            delivered_on_time=len(on_time) / len(delivered) if delivered else None,
            at_risk=moved(AuditAction.COMMITMENT_AT_RISK),
            dropped=moved(AuditAction.COMMITMENT_DROPPED),
            survived_per_ae=per_ae,
        )
