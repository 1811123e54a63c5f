"""Benchmark: one deadline sweep over a large table.

    python bench/sweep.py [--handoffs 100000] [--due 10000] [--database-url URL]

Creates N handoffs, each with its SLA warn and breach deadlines (2N rows), of which M are
due, then times one sweep (claim, handle, write the nudge outbox rows) and reports the peak
Python memory it allocated (tracemalloc). SQLite by default.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, update

import app as handoff_app
from bot.config.playbook import load_playbook
from bot.config.settings import Settings
from bot.domain.clock import ManualClock
from storage.db import make_engine
from storage.enums import DeadlineKind, DeadlineStatus, HandoffStatus
from storage.migrate import upgrade
from storage.models import Deadline, Handoff


def seed(engine, count: int, due: int, now: datetime) -> None:  # type: ignore[no-untyped-def]
    rows, deadlines = [], []
    for n in range(count):
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handoffs", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handoff-bench-sweep-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'sweep.db'}"
        engine = make_engine(url)
        upgrade(engine)
        now = datetime(2026, 11, 24, 9, tzinfo=UTC)
        started = time.perf_counter()
        seed(engine, args.handoffs, args.due, now)
        print(
            f"seeded {args.handoffs} handoffs, {2 * args.handoffs} deadlines "
            f"({args.due} due) in {time.perf_counter() - started:.1f} s"
        )
        settings = Settings(
            slack_bot_token="xoxb-bench",
            slack_signing_secret="s",
            slack_api_url="http://127.0.0.1:9/api/",
            database_url=url,
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
                update(Deadline.__table__)
                .where(
                    Deadline.__table__.c.id.in_(
                        select(Deadline.__table__.c.id)
                        .where(
                            Deadline.__table__.c.status == DeadlineStatus.PENDING,
                            Deadline.__table__.c.kind == DeadlineKind.SLA_WARN,
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
        engine.dispose()
    print(
        f"one sweep: {handled} due deadlines handled in {elapsed:.1f} s ({handled / elapsed:.0f}/s)"
    )
    print(f"peak Python memory of a sweep of {again}: {peak / 1e6:.1f} MB (tracemalloc)")


if __name__ == "__main__":
    main()
