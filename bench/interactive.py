"""Benchmark: ack latency at 50 concurrent clients, and the time to the full answer.

    python bench/interactive.py [--clients 50] [--rounds 3] [--servers python,gunicorn]
                                [--database-url postgresql+psycopg://…]

Starts the real app as a separate process — `python app.py` (its own threaded HTTP server) and
gunicorn as the README runs it (`--workers 2 --worker-class gthread --threads 4`) — on a SQLite
file (or, with --database-url, a fresh schema of that PostgreSQL database), talking to the
loopback Slack stand-in in this process. Next to it, as the floor, a Bolt app that only acks
(bench/noop_bolt.py), served the same way with the same signing secret.

Each round fires N signed requests at once (a barrier releases N threads, one connection each)
of each kind: a button click that claims (N different handoffs), the details modal's submission
(by the new owners), `/handoff status <deal>` and the "Add details" button (opens a modal).
Prints, per kind, the ack latency p50/p99 next to the floor's and the ratio (target: p99 ≤ 2×),
and for the answers Slack receives later — the `response_url` POST of `/handoff status` and the
`views.open` of the button — the time from the request to the stand-in receiving it (p99 target
≤ 1 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/: scripts import each other as bench.*

import app as handoff_app  # noqa: E402
from bench.interactive_requests import KINDS, SECRET, answered_at, fire, round_forms  # noqa: E402
from bench.remote_slack import TOKEN, RemoteSlack, channel, csm  # noqa: E402
from bench.serving import free_port, fresh_database, stop, wait_healthy  # noqa: E402
from bot.config.playbook import load_playbook  # noqa: E402
from bot.config.settings import Settings  # noqa: E402
from bot.crm.events import Deal, DealEvent  # noqa: E402
from bot.domain.clock import SystemClock  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]


def quiet(database_url: str, *, owned: int = 0, saved: int = 0, timeout: float = 60) -> None:
    """Wait until the app has nothing left to do: ``owned`` claims and ``saved`` details have
    landed (their jobs ran: an acked click's work may still be queued), every card posted and
    current, no outbox row due, no brief's canvas waiting. Each kind is then measured on an
    otherwise idle app, as the floor is."""
    engine = make_engine(database_url)
    busy = text(
        "SELECT (SELECT count(*) FROM handoffs WHERE card_ts IS NULL "
        "OR rendered_version < state_version) + (SELECT count(*) FROM outbox "
        "WHERE status = 'pending' AND next_attempt_at <= :now) + (SELECT count(*) FROM "
        "brief_canvases WHERE dirty AND next_attempt_at <= :now) + (CASE WHEN (SELECT count(*) "
        "FROM handoffs WHERE owner_slack_id IS NOT NULL) < :owned THEN 1 ELSE 0 END) + (CASE "
        "WHEN (SELECT count(*) FROM field_values WHERE key = 'primary_use_case' AND value = "
        "'Invoicing') < :saved THEN 1 ELSE 0 END)"
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                found = connection.execute(
                    busy, {"now": datetime.now(UTC), "owned": owned, "saved": saved}
                ).scalar_one()
                if not found:
                    return
            time.sleep(0.2)
    finally:
        engine.dispose()


def seed(url: str, playbook_path: Path, slack: RemoteSlack, count: int) -> list[str]:
    """``count`` open handoffs through the app's own intake; returns their deal names."""
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=slack.url)
    runtime = handoff_app.build_runtime(
        settings, playbook=load_playbook(playbook_path), clock=SystemClock(), engine=engine
    )
    names = []
    for n in range(count):
        name = f"Bench Deal {n:04d}"
        runtime.intake.ingest_deal_event(
            event=DealEvent(
                source="webhook",
                external_id=f"bench-{n}",
                occurred_at=datetime.now(UTC),
                deal=Deal(
                    id=f"006BENCH{n:08d}",
                    name=name,
                    stage="Closed Won",
                    account_name=f"Bench Account {n:04d}",
                    ae_email="ae@vendor.example",
                    slack_channel_id=channel(n),
                    fields={"primary_use_case": "Billing"},
                ),
            )
        )
        names.append(name)
    engine.dispose()
    return names


def start_server(
    which: str, target: str, port: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    if which == "python":
        command = (
            [sys.executable, "app.py"]
            if target == "handoff"
            else [sys.executable, "bench/noop_bolt.py"]
        )
    else:
        app = (
            "app:create_wsgi_app()" if target == "handoff" else "bench.noop_bolt:create_wsgi_app()"
        )
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        command = [
            gunicorn,
            app,
            *GUNICORN,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    which: str,
    target: str,
    url: str | None,
    folder: Path,
    slack: RemoteSlack,
    playbook_path: Path,
    args: argparse.Namespace,
) -> tuple[dict[str, list[float]], dict[str, list[float]], int, str]:
    """Ack latencies per kind, full-answer latencies per kind, non-2xx answers, and what the
    people saw (Handoff only)."""
    acks: dict[str, list[float]] = {kind: [] for kind in KINDS}
    answers: dict[str, list[float]] = {kind: [] for kind in KINDS[2:]}
    failures, checked, since = 0, "", len(slack.calls())
    with fresh_database(url, folder, "interactive") as database_url:
        per_round = args.clients
        names = seed(database_url, playbook_path, slack, per_round * (args.rounds + 1))
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HUBSPOT_"))},
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": database_url,
            "HANDOFF_PLAYBOOK": str(playbook_path),
            "CRM_WEBHOOK_SECRET": "bench-webhook-secret",
            "LOG_LEVEL": "WARNING",
        }
        process = start_server(which, target, port, env)
        try:
            wait_healthy(port, process)
            if target == "handoff":
                quiet(database_url)  # the seeded deals' cards are posted
            base = f"http://127.0.0.1:{port}"
            for round_no in range(args.rounds + 1):  # round 0 warms up and is not counted
                run = f"{uuid.uuid4().hex[:6]}.{round_no}"  # tags unique across runs and rounds
                forms = round_forms(slack, names, round_no * per_round, args.clients, run)
                for kind in KINDS:
                    shots = fire(base, forms[kind])
                    failures += sum(1 for shot in shots if shot.status >= 300)
                    if kind in answers and target == "handoff":
                        got = answered_at(slack, kind, {shot.tag for shot in shots}, since)
                        late = [(got[s.tag] - s.sent) * 1000 for s in shots if s.tag in got]
                        missing = len(shots) - len(late)
                        late += [float("inf")] * missing
                        if round_no:
                            answers[kind] += late
                    if target == "handoff":  # the claims have landed before their owners submit
                        done = (round_no + 1) * per_round
                        saved = done if KINDS.index(kind) >= 1 else done - per_round
                        quiet(database_url, owned=done, saved=saved)
                    if round_no:
                        acks[kind] += [shot.ack_ms for shot in shots]
            if target == "handoff":
                time.sleep(1.5)  # the last claims and saves land
                checked = verify(database_url, slack, since, expected=per_round * (args.rounds + 1))
        finally:
            stop(process)
    return acks, answers, failures, checked


def verify(database_url: str, slack: RemoteSlack, since: int, *, expected: int) -> str:
    """What the people saw: every claim and save landed, every status named its deal."""
    engine = make_engine(database_url)
    with engine.connect() as connection:
        owned = connection.execute(
            text("SELECT count(*) FROM handoffs WHERE owner_slack_id IS NOT NULL")
        ).scalar_one()
        saved = connection.execute(
            text("SELECT count(*) FROM field_values WHERE key = 'primary_use_case' AND value = :v"),
            {"v": "Invoicing"},
        ).scalar_one()
    engine.dispose()
    calls = slack.calls(since)
    named = sum(1 for c in calls if c.method == "response_url" and "Bench Deal" in c.text)
    opened = sum(1 for call in calls if call.method == "views.open" and call.ok)
    tags = [c.tag for c in calls if c.method in ("response_url", "views.open")]
    twice = len(tags) - len(set(tags))
    return (
        f"  checked: {owned}/{expected} claims landed, {saved}/{expected} details saved; "
        f"{named}/{expected} status answers named their deal, {opened}/{expected} modals "
        f"opened, {twice} answered twice"
    )


def team_playbook(folder: Path, clients: int) -> Path:
    data = yaml.safe_load((ROOT / "bot/config/default_playbook.yml").read_text())
    data["team"]["csms"] = [csm(n) for n in range(clients)]
    path = folder / "playbook.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--servers", default="python,gunicorn")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    slack = RemoteSlack(args.clients, args.clients * (args.rounds + 1))
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{args.clients} concurrent clients, {args.rounds} rounds (+1 warm-up) per kind, "
        f"{backend}; floor: a Bolt app that only acks, served the same way"
    )
    with tempfile.TemporaryDirectory(prefix="handoff-bench-interactive-") as tmp:
        folder = Path(tmp)
        playbook_path = team_playbook(folder, args.clients)
        for which in args.servers.split(","):
            served = "python app.py" if which == "python" else "gunicorn " + " ".join(GUNICORN)
            common = (args.database_url, folder, slack, playbook_path, args)
            floor_acks, _, floor_failures, _ = measure(which, "noop", *common)
            acks, answers, failures, checked = measure(which, "handoff", *common)
            print(
                f"\n{served} ({backend}); non-2xx answers: "
                f"Handoff {failures}, floor {floor_failures}"
            )
            for kind in KINDS:
                mine, floor = acks[kind], floor_acks[kind]
                p50, p99 = percentile(mine, 0.5), percentile(mine, 0.99)
                f50, f99 = percentile(floor, 0.5), percentile(floor, 0.99)
                print(
                    f"  ack {kind:27} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms   floor p50 "
                    f"{f50:6.1f} ms  p99 {f99:6.1f} ms   ratio p99 {p99 / f99:5.2f}x (target <= 2x)"
                )
            print(checked)
            for kind, late in answers.items():
                what = "response_url" if kind == KINDS[2] else "views.open"
                print(
                    f"  full answer {kind} ({what}): p50 {percentile(late, 0.5):7.1f} ms  "
                    f"p99 {percentile(late, 0.99):7.1f} ms   target p99 <= 1000 ms"
                )
    slack.stop()


if __name__ == "__main__":
    main()
