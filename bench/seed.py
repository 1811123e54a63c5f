"""Fill a migrated database with N realistic handoffs, fast, through the project's own models.

    python bench/seed.py --handoffs 100000 [--database-url URL]

Each handoff gets an account with a made-up but plausible name ("Vandelay Industries"), a deal
name, an amount, an AE among 30 and — once claimed — an owner among 50 CSMs, a status spread
like a real pipeline (mostly ready, some open, held, upcoming or cancelled), the playbook's
fields (the required ones mostly filled), three to six audit rows and, while it is live, its
pending SLA warn and breach deadlines. Rows go in as bulk SQLAlchemy Core inserts on the
models' tables, so 100,000 handoffs take seconds. SQLite at ./handoff-seed.db by default; the
schema is migrated first. Deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, create_engine, func, insert, select, text

from storage.db import make_engine
from storage.enums import (
    AuditAction,
    CrmName,
    DeadlineKind,
    DeadlineStatus,
    FieldSource,
    HandoffStatus,
)
from storage.migrate import upgrade
from storage.models import AuditEvent, Deadline, FieldValue, Handoff

CSMS = [f"U0CSM{n:04d}" for n in range(50)]
AES = [f"U0AE{n:05d}" for n in range(30)]
REVIEWERS = ["U0REVIEW01", "U0REVIEW02"]
CHANNELS = [f"C0DEALS{n:03d}" for n in range(8)]
STAGE = "Closed Won"

_SYLLABLES = (  # noqa: SIM905
    "van del ay ac me glo bex cor tel ion ver ta nor th wind ump qua lit ex ora zen ith "
    "stark hoo li pied pip er glob o tron mar vel kin dra sol ara fen wick hal cyon dyn"
).split()
_SUFFIXES = (
    "Industries",
    "Labs",
    "Inc",
    "Group",
    "Systems",
    "Logistics",
    "Health",
    "Partners",
    "GmbH",
    "Holdings",
    "Analytics",
    "Foods",
)
_PRODUCTS = ("Platform", "Enterprise", "Growth", "Analytics add-on", "Renewal", "Expansion")
_USE_CASES = ("Billing", "Collections", "Revenue recognition", "Forecasting", "Onboarding")
_METRICS = ("DSO under 40 days", "Close in 5 days", "Churn below 3%", "Time to value 30 days")
# A pipeline's shape: most handoffs are finished; the live ones are what lookups are about.
_STATUSES = (
    (HandoffStatus.READY, 0.55),
    (HandoffStatus.OPEN, 0.2),
    (HandoffStatus.HELD, 0.1),
    (HandoffStatus.UPCOMING, 0.1),
    (HandoffStatus.CANCELLED, 0.05),
)
BATCH = 5000


@dataclass(frozen=True)
class Seeded:
    """What was written: enough for a benchmark to pick realistic lookups."""

    first_id: int
    count: int
    account_names: tuple[str, ...]


def company(rng: random.Random) -> str:
    word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{word} {rng.choice(_SUFFIXES)}"


def seed(
    engine: Engine,
    count: int,
    *,
    now: datetime | None = None,
    rng_seed: int = 10,
    crm: str = CrmName.WEBHOOK.value,
) -> Seeded:
    """Append ``count`` handoffs (ids after the current largest) with their fields, audit rows
    and pending deadlines; returns the id range and a sample of account names."""
    now = now or datetime.now(UTC)
    rng = random.Random(rng_seed)
    with engine.connect() as connection:
        first_id = int(connection.scalar(select(func.coalesce(func.max(Handoff.id), 0))) or 0) + 1
    names: list[str] = []
    with engine.begin() as connection:
        for handoffs, fields, audits, deadlines in _batches(rng, first_id, count, now, crm, names):
            connection.execute(insert(Handoff.__table__), handoffs)
            connection.execute(insert(FieldValue.__table__), fields)
            connection.execute(insert(AuditEvent.__table__), audits)
            if deadlines:
                connection.execute(insert(Deadline.__table__), deadlines)
    sample = tuple(names[:: max(1, count // 500)])
    return Seeded(first_id=first_id, count=count, account_names=sample)


def _batches(
    rng: random.Random, first_id: int, count: int, now: datetime, crm: str, names: list[str]
) -> Iterator[tuple[list[dict[str, Any]], ...]]:
    statuses = [status for status, _ in _STATUSES]
    weights = [weight for _, weight in _STATUSES]
    for start in range(first_id, first_id + count, BATCH):
        handoffs: list[dict[str, Any]] = []
        fields: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []
        deadlines: list[dict[str, Any]] = []
        for handoff_id in range(start, min(start + BATCH, first_id + count)):
            account = company(rng)
            names.append(account)
            status = rng.choices(statuses, weights)[0]
            # Spread over two years, newest last: ids and times grow together, as in real life.
            age = timedelta(minutes=(first_id + count - handoff_id) * 7 + rng.randint(0, 6))
            triggered = now - age
            live = status in (HandoffStatus.HELD, HandoffStatus.OPEN)
            claimed = status in (HandoffStatus.OPEN, HandoffStatus.READY) or (
                status is HandoffStatus.HELD and rng.random() < 0.5
            )
            owner = rng.choice(CSMS) if claimed else None
            warn, due = triggered + timedelta(hours=24), triggered + timedelta(hours=48)
            if live:
                # Live ones are recent: some overdue, most still inside their SLA.
                triggered = now - timedelta(hours=rng.uniform(0, 96))
                warn, due = triggered + timedelta(hours=24), triggered + timedelta(hours=48)
            handoffs.append(
                {
                    "id": handoff_id,
                    "crm": crm,
                    "deal_id": f"006SEED{handoff_id:09d}",
                    "deal_name": f"{account} — {rng.choice(_PRODUCTS)} {triggered.year}",
                    "account_name": account,
                    "stage": STAGE if status is not HandoffStatus.UPCOMING else "Negotiation",
                    "amount": Decimal(rng.randrange(5_000, 500_000, 500)),
                    "currency": "USD",
                    "close_date": triggered.date(),
                    "ae_email": None,
                    "requested_channel_id": None,
                    "status": status,
                    "owner_slack_id": owner,
                    "triggered_at": triggered,
                    "sla_warn_at": warn,
                    "sla_due_at": due,
                    "last_event_at": triggered,
                    "created_at": triggered,
                    "updated_at": triggered + timedelta(minutes=rng.randint(1, 600)),
                    "state_version": 3,
                    "rendered_version": 3,
                    "ae_slack_id": rng.choice(AES),
                    "ae_lookup_done": True,
                    "channel_id": rng.choice(CHANNELS),
                    "card_ts": f"{int(triggered.timestamp())}.{handoff_id % 1_000_000:06d}",
                    "card_attempts": 1,
                    "claimed_at": triggered + timedelta(hours=2) if owner else None,
                    "ready_by": rng.choice(REVIEWERS) if status is HandoffStatus.READY else None,
                    "ready_at": due if status is HandoffStatus.READY else None,
                    "feedback_requests": 0,
                    "success_plan_reviewed": False,
                    "suggestions_waiting": 0,
                }
            )
            filled = 4 if status is HandoffStatus.READY else rng.randint(1, 4)
            for key, value in (
                ("primary_use_case", rng.choice(_USE_CASES)),
                ("success_metrics", rng.choice(_METRICS)),
                ("decision_makers", "CFO, Controller"),
                ("promises_made", "Go-live before quarter end"),
            )[:filled]:
                fields.append(
                    {
                        "handoff_id": handoff_id,
                        "key": key,
                        "value": value,
                        "source": FieldSource.CRM,
                        "set_by": None,
                        "updated_at": triggered,
                    }
                )
            trail = [(AuditAction.HANDOFF_STARTED, "crm", {})]
            trail.append((AuditAction.CARD_POSTED, "handoff", {}))
            if owner:
                trail.append((AuditAction.CLAIMED, owner, {}))
            trail.extend(
                (AuditAction.FIELD_SET, owner or "crm", {"key": "risks"})
                for _ in range(rng.randint(0, 2))
            )
            if status is HandoffStatus.READY:
                trail.append((AuditAction.MARKED_READY, "U0REVIEW01", {}))
            for step, (action, actor, detail) in enumerate(trail):
                audits.append(
                    {
                        "handoff_id": handoff_id,
                        "at": triggered + timedelta(minutes=step * 30),
                        "actor": actor,
                        "action": action,
                        "detail": detail,
                    }
                )
            if live:
                for kind, at in ((DeadlineKind.SLA_WARN, warn), (DeadlineKind.SLA_BREACH, due)):
                    deadlines.append(
                        {
                            "handoff_id": handoff_id,
                            "kind": kind,
                            "due_at": at,
                            "status": DeadlineStatus.PENDING,
                            "attempts": 0,
                            "payload": {},
                        }
                    )
        yield handoffs, fields, audits, deadlines


@contextmanager
def scratch_database(url: str | None) -> Iterator[Engine]:
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="handoff-bench-lookups-") as tmp:
            engine = make_engine(url or f"sqlite:///{Path(tmp) / 'lookups.db'}")
            yield engine
            engine.dispose()
        return
    schema = f"handoff_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def settle(engine: Engine) -> None:
    """What PostgreSQL's autovacuum would have done by now: statistics, and the GIN indexes'
    pending lists merged."""
    if engine.dialect.name != "postgresql":
        return  # SQLite has no autovacuum: nobody runs ANALYZE, the plans must not need it
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--handoffs", type=int, required=True)
    parser.add_argument("--database-url", default="sqlite:///handoff-seed.db")
    parser.add_argument("--seed", type=int, default=10, help="random seed (deterministic data)")
    args = parser.parse_args()
    engine = make_engine(args.database_url)
    upgrade(engine)
    started = time.perf_counter()
    seeded = seed(engine, args.handoffs, rng_seed=args.seed)
    settle(engine)
    elapsed = time.perf_counter() - started
    engine.dispose()
    last = seeded.first_id + seeded.count - 1
    print(
        f"seeded {seeded.count} handoffs (ids {seeded.first_id}–{last})"
        f" with fields, audit rows and deadlines in {elapsed:.1f} s"
    )


if __name__ == "__main__":
    main()
