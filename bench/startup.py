"""Benchmark: start-up time and idle memory, next to a Bolt app that only acks.

    python bench/startup.py [--runs 5] [--idle 3] [--database-url postgresql+psycopg://…]

Starts `python app.py` (on a migrated SQLite file, or --database-url; the loopback Slack
stand-in answers its start-up check) and, as the floor, bench/noop_bolt.py on the same HTTP
server, each --runs times. Prints the median time from the process's start to its first 200
on GET /healthz, and its resident memory (VmRSS in /proc/<pid>/status) after --idle seconds
of doing nothing, each next to the floor's and the ratio (targets: start-up <= 2x, memory
<= 2.5x). A second floor, bench/stack_floor.py, is the libraries Handoff cannot start without
(Bolt, pydantic, PyYAML, SQLAlchemy's ORM and the driver reaching the database, APScheduler)
and none of Handoff's code: what the stack alone costs, next to the no-op app.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/: scripts import each other as bench.*

from bench.serving import free_port, fresh_database, stop, wait_healthy  # noqa: E402
from bot.sandbox import FakeSlack  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

TOKEN = "xoxb-bench"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def one_run(command: list[str], env: dict[str, str], idle: float) -> tuple[float, float]:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(port, process, poll=0.01)
        ready = time.perf_counter() - started
        time.sleep(idle)
        return ready, rss_mb(process.pid)
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=3.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    slack = FakeSlack(token=TOKEN).start()
    with (
        tempfile.TemporaryDirectory(prefix="handoff-bench-startup-") as tmp,
        fresh_database(args.database_url, Path(tmp), "startup") as url,
    ):
        engine = make_engine(url)
        upgrade(engine)  # a restart, as in production: the schema is current
        engine.dispose()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HUBSPOT_"))},
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": "bench-signing-secret",
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": url,
            "CRM_WEBHOOK_SECRET": "bench-webhook-secret",
            "LOG_LEVEL": "WARNING",
        }
        commands = {
            "handoff": [sys.executable, "app.py"],
            "floor": [sys.executable, "bench/noop_bolt.py"],
            "stack": [sys.executable, "bench/stack_floor.py"],
        }
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):  # interleaved, so that a busy moment hits both
            for name, command in commands.items():
                results[name].append(one_run(command, env, args.idle))
    slack.stop()

    def median(name: str, index: int) -> float:
        return statistics.median(run[index] for run in results[name])

    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"python app.py vs a no-op Bolt app on the same server, {args.runs} runs, {backend}")
    ready, floor_ready = median("handoff", 0), median("floor", 0)
    memory, floor_memory = median("handoff", 1), median("floor", 1)
    print(
        f"start-up to first 200 on /healthz: {ready * 1000:6.0f} ms   floor "
        f"{floor_ready * 1000:6.0f} ms   ratio {ready / floor_ready:4.2f}x (target <= 2x)"
    )
    print(
        f"resident memory, idle {args.idle:.0f} s:     {memory:6.1f} MB   floor "
        f"{floor_memory:6.1f} MB   ratio {memory / floor_memory:4.2f}x (target <= 2.5x)"
    )
    stack_ready, stack_memory = median("stack", 0), median("stack", 1)
    print(
        f"the stack alone (bench/stack_floor.py): start-up {stack_ready * 1000:6.0f} ms = "
        f"{stack_ready / floor_ready:4.2f}x the no-op app, memory {stack_memory:6.1f} MB = "
        f"{stack_memory / floor_memory:4.2f}x; Handoff is {ready / stack_ready:4.2f}x and "
        f"{memory / stack_memory:4.2f}x the stack"
    )


if __name__ == "__main__":
    main()
