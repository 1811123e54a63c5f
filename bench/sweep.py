"""Benchmark: one deadline sweep over a large table, next to its set-based floor.

    python bench/sweep.py [--handoffs 100000] [--due 10000] [--database-url URL]

Creates N handoffs (with their fields), each with its SLA warn and breach deadlines (2N
rows), of which M are due. In the same run it times the floor — one claiming UPDATE of the M
due deadlines, bulk inserts of the same nudge outbox rows and audit rows, one UPDATE marking
them done — undoes it, then times one real sweep (claim in batches, each handoff's blocker
decided, nudges and audit rows written, deadlines done) and prints the ratio. Then the peak
Python memory of a second, equal sweep (tracemalloc). SQLite in a temporary file by default;
with ``--database-url`` (PostgreSQL) a scratch schema, dropped afterwards.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

# The project root instead of bench/: the scripts import each other as bench.*
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, delete, insert, select, update

import app as handoff_app
from bench.seed import scratch_database, settle
from bot.config.playbook import load_playbook
from bot.config.settings import Settings
from bot.domain.clock import ManualClock
from storage.enums import (
    AuditAction,
    DeadlineKind,
    DeadlineStatus,
    FieldSource,
    HandoffStatus,
    OutboxKind,
    OutboxStatus,
)
from storage.migrate import upgrade
from storage.models import AuditEvent, Deadline, FieldValue, Handoff, OutboxMessage

DEADLINES = Deadline.__table__


def seed(engine, count: int, due: int, now: datetime) -> None:  # type: ignore[no-untyped-def]
    rows, deadlines, fields = [], [], []
    for n in range(count):
        fields.extend(
            {
                "handoff_id": n + 1,
                "key": key,
                "value": value,
                "source": FieldSource.CRM,
                "updated_at": now,
            }
            for key, value in (("primary_use_case", "Billing"), ("success_metrics", "DSO"))
        )
        rows.append(
            {
                "id": n + 1,
                "crm": "webhook",
                "deal_id": f"006SWEEP{n:010d}",
                "deal_name": f"Deal {n}",
                "stage": "Closed Won",
                "status": HandoffStatus.HELD,
                "triggered_at": now,
                "last_event_at": now,
                "created_at": now,
                "updated_at": now,
                "state_version": 1,
                "rendered_version": 1,
                "card_attempts": 0,
                "ae_lookup_done": True,
                "channel_id": "C0BENCH",
                "success_plan_reviewed": False,
            }
        )
        warn = now - timedelta(minutes=1) if n < due else now + timedelta(hours=24)
        deadlines.append(
            {
                "handoff_id": n + 1,
                "kind": DeadlineKind.SLA_WARN,
                "due_at": warn,
                "status": DeadlineStatus.PENDING,
                "attempts": 0,
                "payload": {},
            }
        )
        deadlines.append(
            {
                "handoff_id": n + 1,
                "kind": DeadlineKind.SLA_BREACH,
                "due_at": now + timedelta(hours=48),
                "status": DeadlineStatus.PENDING,
                "attempts": 0,
                "payload": {},
            }
        )
    with engine.begin() as connection:
        for start in range(0, count, 5000):
            connection.execute(insert(Handoff.__table__), rows[start : start + 5000])
        for start in range(0, len(deadlines), 10000):
            connection.execute(insert(Deadline.__table__), deadlines[start : start + 10000])
            connection.execute(insert(FieldValue.__table__), fields[start : start + 10000])


def floor(engine: Engine, due: int, now: datetime) -> tuple[float, int]:
    """The same work as set-based SQL, then undone: seconds, and how many were due."""
    outbox, audit = OutboxMessage.__table__, AuditEvent.__table__
    started = time.perf_counter()
    with engine.begin() as connection:
        pick = (
            select(DEADLINES.c.id)
            .where(DEADLINES.c.status == DeadlineStatus.PENDING, DEADLINES.c.due_at <= now)
            .order_by(DEADLINES.c.due_at)
            .limit(due)
        )
        claimed = connection.execute(
            update(DEADLINES)
            .where(DEADLINES.c.id.in_(pick.scalar_subquery()))
            .values(status=DeadlineStatus.CLAIMED, claimed_until=now + timedelta(minutes=5))
            .returning(DEADLINES.c.id, DEADLINES.c.handoff_id)
        ).all()
        connection.execute(
            insert(outbox),
            [
                {
                    "kind": OutboxKind.NUDGE,
                    "handoff_id": handoff_id,
                    "payload": {"blocker": "unclaimed", "to": "C0BENCH", "kind": "sla_warn"},
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for _, handoff_id in claimed
            ],
        )
        connection.execute(
            insert(audit),
            [
                {
                    "handoff_id": handoff_id,
                    "at": now,
                    "actor": "handoff",
                    "action": AuditAction.NUDGED,
                    "detail": {"kind": "sla_warn", "day": now.date().isoformat()},
                }
                for _, handoff_id in claimed
            ],
        )
        connection.execute(
            update(DEADLINES)
            .where(DEADLINES.c.status == DeadlineStatus.CLAIMED)
            .values(status=DeadlineStatus.DONE, done_at=now, claimed_until=None)
        )
    elapsed = time.perf_counter() - started
    with engine.begin() as connection:
        connection.execute(delete(outbox))
        connection.execute(delete(audit))
        connection.execute(
            update(DEADLINES)
            .where(DEADLINES.c.status == DeadlineStatus.DONE)
            .values(status=DeadlineStatus.PENDING, done_at=None)
        )
    return elapsed, len(claimed)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--handoffs", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with scratch_database(args.database_url) as engine:
        upgrade(engine)
        backend = "PostgreSQL" if engine.dialect.name == "postgresql" else "SQLite"
        now = datetime(2026, 11, 24, 9, tzinfo=UTC)
        started = time.perf_counter()
        seed(engine, args.handoffs, args.due, now)
        settle(engine)
        print(
            f"{backend}: seeded {args.handoffs} handoffs, {2 * args.handoffs} deadlines "
            f"({args.due} due) in {time.perf_counter() - started:.1f} s"
        )
        floor_s, floor_count = floor(engine, args.due, now)
        settings = Settings(
            slack_bot_token="xoxb-bench",
            slack_signing_secret="s",
            slack_api_url="http://127.0.0.1:9/api/",
            database_url=str(engine.url),
        )
        runtime = handoff_app.build_runtime(
            settings, playbook=load_playbook(), clock=ManualClock(now), engine=engine
        )
        started = time.perf_counter()
        handled = runtime.sweeper.sweep()
        elapsed = time.perf_counter() - started
        # Memory is measured on a second, equal sweep: tracemalloc slows Python several-fold,
        # so it must not run during the timed one.
        with engine.begin() as connection:
            connection.execute(
                update(DEADLINES)
                .where(
                    DEADLINES.c.id.in_(
                        select(DEADLINES.c.id)
                        .where(
                            DEADLINES.c.status == DeadlineStatus.PENDING,
                            DEADLINES.c.kind == DeadlineKind.SLA_WARN,
                        )
                        .limit(args.due)
                        .scalar_subquery()
                    )
                )
                .values(due_at=now - timedelta(minutes=1))
            )
        tracemalloc.start()
        again = runtime.sweeper.sweep()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(
        f"set-based floor (one claiming UPDATE, bulk inserts of the same nudge and audit rows, "
        f"one UPDATE done): {floor_count} in {floor_s:.2f} s"
    )
    print(
        f"one sweep: {handled} due deadlines handled in {elapsed:.2f} s ({handled / elapsed:.0f}/s)"
        f" = {elapsed / floor_s:.1f}x the floor"
    )
    print(f"peak Python memory of a sweep of {again}: {peak / 1e6:.1f} MB (tracemalloc)")


if __name__ == "__main__":
    main()
