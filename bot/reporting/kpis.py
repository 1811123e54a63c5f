"""Leadership KPIs, computed from the handoffs table for a week and the four weeks before it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import or_, select

from bot.config.playbook import Playbook
from bot.domain.feedback import FieldAccuracy
from bot.domain.read_models import HandoffSummary, Kpis, WeeklyReport
from bot.reporting.commitment_kpis import commitment_kpis
from storage import repositories
from storage.db import SessionFactory
from storage.enums import AuditAction
from storage.models import AuditEvent, Handoff

WEEK = timedelta(days=7)


def compute(sessions: SessionFactory, playbook: Playbook, *, week_start: datetime) -> WeeklyReport:
    history = [
        (week_start - WEEK * back, _window(sessions, playbook, week_start - WEEK * back, WEEK))
        for back in range(4, -1, -1)
    ]
    previous = _window(sessions, playbook, week_start - 4 * WEEK, 4 * WEEK, per_week=4)
    promises = commitment_kpis(sessions, start=week_start, end=week_start + WEEK)
    return WeeklyReport(week_start, history[-1][1], previous, history, promises)


def _window(
    sessions: SessionFactory,
    playbook: Playbook,
    start: datetime,
    span: timedelta,
    per_week: int = 1,
) -> Kpis:
    end = start + span

    def inside(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    with sessions.begin() as session:
        rows = session.scalars(
            select(Handoff).where(
                or_(
                    Handoff.triggered_at.between(start, end),
                    Handoff.ready_at.between(start, end),
                    Handoff.sla_due_at.between(start, end),
                    Handoff.sync_at.between(start, end),
                    Handoff.feedback_at.between(start, end),
                    Handoff.first_value_at.between(start, end),
                    Handoff.kickoff_at.isnot(None),
                )
            )
        ).all()
        started_open = {
            event.handoff_id
            for event in session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == AuditAction.HANDOFF_STARTED,
                    AuditEvent.at >= start,
                    AuditEvent.at < end,
                )
            )
            if event.detail.get("status") == "open"
        }
        exceptions = len(
            session.scalars(
                select(AuditEvent.id).where(
                    AuditEvent.action == AuditAction.EXCEPTION_GRANTED,
                    AuditEvent.at >= start,
                    AuditEvent.at < end,
                )
            ).all()
        )
    started = [h for h in rows if inside(h.triggered_at)]
    claims = [
        _hours(h.claimed_at - h.triggered_at) for h in started if h.claimed_at and h.triggered_at
    ]
    readies = [
        _hours(h.ready_at - h.triggered_at)
        for h in rows
        if h.ready_at and h.triggered_at and inside(h.ready_at)
    ]
    due = [h for h in rows if inside(h.sla_due_at)]
    hits = [
        h for h in due if h.ready_at is not None and h.sla_due_at and h.ready_at <= h.sla_due_at
    ]
    values = [
        (h.first_value_at - h.kickoff_at).total_seconds() / 86400
        for h in rows
        if h.first_value_at and h.kickoff_at and inside(h.first_value_at)
    ]
    kicked_off = [h for h in rows if h.kickoff_at and h.kickoff_at < end]
    onboarded = [h for h in kicked_off if h.onboarding_done_at and h.onboarding_done_at < end]
    return Kpis(
        started=len(started) / per_week,
        median_hours_to_claim=median(claims) if claims else None,
        median_hours_to_ready=median(readies) if readies else None,
        sla_hit_rate=len(hits) / len(due) if due else None,
        complete_at_trigger=len([h for h in started if h.id in started_open]) / len(started)
        if started
        else None,
        exceptions=exceptions / per_week,
        syncs_held=len([h for h in rows if inside(h.sync_at)]) / per_week,
        feedback_returned=len([h for h in rows if inside(h.feedback_at)]) / per_week,
        median_days_to_value=median(values) if values else None,
        onboarding_completion=len(onboarded) / len(kicked_off) if kicked_off else None,
        field_accuracy=_accuracy([h for h in rows if inside(h.feedback_at)], playbook),
        samples={
            "median_hours_to_claim": len(claims),
            "median_hours_to_ready": len(readies),
            "sla_hit_rate": len(due),
            "complete_at_trigger": len(started),
            "median_days_to_value": len(values),
            "onboarding_completion": len(kicked_off),
        },
    )


def _accuracy(rows: Sequence[Handoff], playbook: Playbook) -> dict[str, float]:
    rated: dict[str, list[bool]] = {}
    for handoff in rows:
        accuracy = (handoff.feedback or {}).get("accuracy") or {}
        for key, value in accuracy.items():
            known = value in {rating.value for rating in FieldAccuracy}
            rating = FieldAccuracy(value) if known else None
            if rating is not None and rating.counts_towards_accuracy:
                rated.setdefault(key, []).append(rating is FieldAccuracy.ACCURATE)
    labels = {spec.key: spec.label for spec in playbook.fields}
    return {labels.get(key, key): sum(v) / len(v) for key, v in rated.items()}


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def audit_sample(
    sessions: SessionFactory, *, start: datetime, end: datetime, size: int, seed: int
) -> list[HandoffSummary]:
    """A random sample of the handoffs started in a quarter, the same for the same seed."""
    import random

    with sessions.begin() as session:
        ids = session.scalars(
            select(Handoff.id).where(Handoff.triggered_at >= start, Handoff.triggered_at < end)
        ).all()
    chosen = sorted(random.Random(seed).sample(list(ids), min(size, len(ids))))
    with sessions.begin() as session:
        summaries = []
        for handoff_id in chosen:
            handoff = repositories.get_handoff(session, handoff_id)
            assert handoff is not None
            summaries.append(
                HandoffSummary(
                    handoff_id=handoff.id,
                    deal_name=handoff.deal_name,
                    account_name=handoff.account_name,
                    status=handoff.status,
                    owner_slack_id=handoff.owner_slack_id,
                    ae_slack_id=handoff.ae_slack_id,
                    sla_due_at=handoff.sla_due_at,
                    missing=0,
                    channel_id=handoff.channel_id,
                )
            )
        return summaries
