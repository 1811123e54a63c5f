"""The floor of bench/ingest.py: the rows one new deal writes, inserted by raw SQLAlchemy Core
statements in one thread — what the app could do if it did nothing but write."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from storage.db import make_engine
from storage.enums import AuditAction, DeadlineKind, DeadlineStatus, FieldSource, HandoffStatus
from storage.migrate import upgrade
from storage.models import AuditEvent, Deadline, FieldValue, Handoff, InboxEvent


def raw_insert(count: int, url: str, *, warmup: int = 0) -> float:
    """The floor: the same rows (handoff, 2 fields, 2 deadlines, audit, inbox) as Core inserts,
    one transaction per event, no HTTP, no validation, no lookups; timed after ``warmup``
    events."""
    engine = make_engine(url)
    upgrade(engine)
    handoffs, fields = Handoff.__table__, FieldValue.__table__
    inbox, audit = InboxEvent.__table__, AuditEvent.__table__
    deadlines = Deadline.__table__
    now = datetime.now(UTC)
    started = time.perf_counter()
    for n in range(warmup + count):
        if n == warmup:
            started = time.perf_counter()
        with engine.begin() as connection:
            handoff_id = connection.execute(
                insert(handoffs).returning(handoffs.c.id),
                {
                    "crm": "webhook",
                    "deal_id": f"006BENCH{n:08d}",
                    "deal_name": f"Deal {n}",
                    "stage": "Closed Won",
                    "account_name": f"Account {n}",
                    "amount": 1000 + n,
                    "currency": "USD",
                    "ae_email": "ae@vendor.example",
                    "requested_channel_id": "C0BENCH01",
                    "status": HandoffStatus.HELD,
                    "triggered_at": now,
                    "sla_warn_at": now + timedelta(hours=24),
                    "sla_due_at": now + timedelta(hours=48),
                    "last_event_at": now,
                    "created_at": now,
                    "updated_at": now,
                    "state_version": 1,
                    "rendered_version": 0,
                    "card_attempts": 0,
                    "ae_lookup_done": False,
                },
            ).scalar_one()
            connection.execute(
                insert(fields),
                [
                    {
                        "handoff_id": handoff_id,
                        "key": key,
                        "value": value,
                        "source": FieldSource.CRM,
                        "updated_at": now,
                    }
                    for key, value in (("primary_use_case", "Billing"), ("success_metrics", "DSO"))
                ],
            )
            connection.execute(
                insert(deadlines),
                [
                    {
                        "handoff_id": handoff_id,
                        "kind": kind,
                        "due_at": now + timedelta(hours=h),
                        "status": DeadlineStatus.PENDING,
                        "attempts": 0,
                        "payload": {},
                    }
                    for kind, h in ((DeadlineKind.SLA_WARN, 24), (DeadlineKind.SLA_BREACH, 48))
                ],
            )
            connection.execute(
                insert(audit),
                {
                    "handoff_id": handoff_id,
                    "at": now,
                    "actor": "crm",
                    "action": AuditAction.HANDOFF_STARTED,
                    "detail": {},
                },
            )
            connection.execute(
                insert(inbox),
                {
                    "source": "webhook",
                    "external_id": f"evt_{n}",
                    "received_at": now,
                    "handoff_id": handoff_id,
                    "outcome": "applied",
                    "payload": {},
                },
            )
    rate = count / (time.perf_counter() - started)
    engine.dispose()
    return rate
