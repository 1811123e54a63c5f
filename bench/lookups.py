"""Benchmark: /handoff status|history|mine|queue|overdue and the App Home at 1k, 10k, 100k.

    python bench/lookups.py [--sizes 1000,10000,100000] [--runs 300] [--database-url URL]

Fills one database with bench/seed.py's realistic handoffs, growing it to each size in turn,
and times each lookup as the command runs it (HandoffQueries, its own session and
transaction, the rows turned into what the message shows): p50 and p99 over ``--runs`` calls
with varied arguments (a word of a real account name, different CSMs and AEs). Next to them,
in the same run, the floor: loading one handoff by primary key through the same session
factory. SQLite in a temporary file by default; with ``--database-url`` (PostgreSQL), a
scratch schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.seed import AES, CSMS, scratch_database, seed, settle
from bot.config.playbook import load_playbook
from bot.domain.clock import ManualClock
from bot.domain.roles import RoleDirectory
from bot.workflow.queries import HandoffQueries, mine
from storage.db import SessionFactory, make_session_factory
from storage.migrate import upgrade
from storage.models import Handoff

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)


class NoGroups:
    def usergroup_members(self, handle: str) -> set[str] | None:
        return None


def timed(call: Callable[[int], object], runs: int) -> tuple[float, float]:
    """p50 and p99 in milliseconds of ``call(i)`` for i in range(runs), after a warm-up."""
    for i in range(min(20, runs)):
        call(i)
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def lookups_for(
    queries: HandoffQueries, sessions: SessionFactory, words: list[str], ids: list[int]
) -> dict[str, Callable[[int], object]]:
    """Each lookup as the command runs it, the i-th call with the i-th arguments."""

    def by_key(i: int) -> object:
        with sessions.begin() as session:
            return session.get(Handoff, ids[i % len(ids)])

    def history(i: int) -> object:
        found = queries.lookup(words[i % len(words)])
        return queries.history(found[0].handoff_id) if found else None

    return {
        "primary-key lookup (floor)": by_key,
        "status <name>": lambda i: queries.lookup(words[i % len(words)]),
        "history <name>": history,
        "mine (an AE)": lambda i: mine(queries.home(AES[i % len(AES)])),
        "queue": lambda i: queries.queue(),
        "overdue": lambda i: queries.overdue(),
        "App Home (a CSM)": lambda i: queries.home(CSMS[i % len(CSMS)]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    playbook = load_playbook()
    clock = ManualClock(NOW)
    team = playbook.team.model_copy(update={"csms": list(CSMS)})
    rng = random.Random(7)
    with scratch_database(args.database_url) as engine:
        upgrade(engine)
        backend = "PostgreSQL" if engine.dialect.name == "postgresql" else "SQLite"
        sessions = make_session_factory(engine)
        queries = HandoffQueries(
            sessions=sessions,
            clock=clock,
            playbook=playbook,
            roles=RoleDirectory(team=team, groups=NoGroups(), clock=clock),
        )
        names: list[str] = []
        seeded = 0
        print(f"{backend}, p50 / p99 in ms over {args.runs} calls each\n")
        print(f"| lookup | {' | '.join(f'{size:,} handoffs' for size in sizes)} |")
        print(f"|---|{'---|' * len(sizes)}")
        rows: dict[str, list[str]] = {}
        for size in sizes:
            started = time.perf_counter()
            names.extend(seed(engine, size - seeded, now=NOW, rng_seed=size).account_names)
            seeded = size
            settle(engine)
            print(f"(seeded to {size:,} in {time.perf_counter() - started:.1f} s)", file=sys.stderr)
            words = [name.split()[0].lower() for name in names]
            rng.shuffle(words)
            ids = [rng.randint(1, size) for _ in range(args.runs)]

            lookups = lookups_for(queries, sessions, words, ids)
            floor = 0.0
            for label, call in lookups.items():
                p50, p99 = timed(call, args.runs)
                if label.endswith("(floor)"):
                    floor = p50
                    cell = f"{p50:.2f} / {p99:.2f}"
                else:
                    cell = f"{p50:.2f} / {p99:.2f} ({p50 / floor:.0f}×)"
                rows.setdefault(label, []).append(cell)
        for label, cells in rows.items():
            print(f"| {label} | {' | '.join(cells)} |")
        print("\n(×: p50 over the primary-key floor's p50 at the same size)")


if __name__ == "__main__":
    main()
