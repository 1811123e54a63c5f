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
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import urlencode

import requests
import yaml
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: its hubspot.py would shadow the SDK

import app as handoff_app  # noqa: E402
from bot.config.playbook import load_playbook  # noqa: E402
from bot.config.settings import Settings  # noqa: E402
from bot.crm.events import Deal, DealEvent  # noqa: E402
from bot.domain.clock import SystemClock  # noqa: E402
from bot.sandbox import FakeSlack  # noqa: E402
from bot.sandbox.requests import (  # noqa: E402
    block_action,
    signed_headers,
    slash_command,
    view_submission,
)
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]
KINDS = ("claim (button)", "details (modal submission)", "/handoff status", "add details (button)")


@dataclass(frozen=True)
class Seen:
    """One call the stand-in received, as far as this benchmark needs it."""

    method: str
    tag: str  # response_url: the ?r= tag; views.open: the trigger_id
    text: str
    at: float
    ok: bool


def _stand_in(pipe: Connection, clients: int, deals: int) -> None:
    """The loopback Slack stand-in, in a process of its own: validating and recording what
    Handoff sends must not take the CPU from this process's clients while they time acks."""
    slack = FakeSlack(token=TOKEN).start()
    slack.add_user("U0AE00001", email="ae@vendor.example", name="Ann Ae")
    for n in range(deals):
        slack.add_channel(channel(n), f"bench-deal-{n}")
    for n in range(clients):
        slack.add_user(csm(n), email=f"csm{n}@vendor.example", name=f"CSM {n}")
    pipe.send((slack.url, slack.response_url))
    while (since := pipe.recv()) is not None:
        pipe.send(
            [
                Seen(
                    call.method,
                    str(call.args.get("r") or call.args.get("trigger_id") or ""),
                    str(call.args.get("text") or ""),
                    call.at,
                    call.ok,
                )
                for call in slack.calls[since:]
            ]
        )
    slack.stop()


class RemoteSlack:
    def __init__(self, clients: int, deals: int) -> None:
        self._pipe, child = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_stand_in, args=(child, clients, deals), daemon=True
        )
        self._process.start()
        self.url, self.response_url = self._pipe.recv()

    def calls(self, since: int = 0) -> list[Seen]:
        self._pipe.send(since)
        seen: list[Seen] = self._pipe.recv()
        return seen

    def stop(self) -> None:
        self._pipe.send(None)
        self._process.join(timeout=10)


@dataclass
class Shot:
    sent: float  # time.time() when the request left
    ack_ms: float
    status: int
    tag: str  # what the stand-in will see for this request (response_url tag, trigger_id)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def csm(n: int) -> str:
    return f"U0CSM{n:05d}"


def channel(n: int) -> str:
    """Each deal its own channel, so the cards of the seeded deals are all posted at once
    (Slack's pace is one message per second per channel) before the clients start."""
    return f"C0BENCH{n:04d}"


def quiet(database_url: str, timeout: float = 60) -> None:
    """Wait until the app has nothing left to do: every card posted and current, no outbox
    row due. Each kind is then measured on an otherwise idle app, as the floor is."""
    engine = make_engine(database_url)
    busy = text(
        "SELECT (SELECT count(*) FROM handoffs WHERE card_ts IS NULL "
        "OR rendered_version < state_version) + (SELECT count(*) FROM outbox "
        "WHERE status = 'pending' AND next_attempt_at <= :now)"
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if not connection.execute(busy, {"now": datetime.now(UTC)}).scalar_one():
                    return
            time.sleep(0.2)
    finally:
        engine.dispose()


@contextmanager
def database(url: str | None, folder: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema of the given PostgreSQL database."""
    if url is None:
        yield f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        return
    schema = f"bench_interactive_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in url else "?"
    try:
        yield f"{url}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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


def wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with {process.returncode}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise SystemExit(f"the server on port {port} did not answer /healthz in {timeout:.0f} s")


def fire(url: str, forms: list[tuple[str, dict[str, str]]]) -> list[Shot]:
    """Send every form at once, one thread and one fresh connection each."""
    barrier = threading.Barrier(len(forms))
    shots: list[Shot | None] = [None] * len(forms)

    def one(index: int, tag: str, form: dict[str, str]) -> None:
        body = urlencode(form).encode()
        headers = signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded")
        session = requests.Session()
        session.trust_env = False
        barrier.wait()
        sent, started = time.time(), time.perf_counter()
        response = session.post(url + "/slack/events", data=body, headers=headers, timeout=30)
        shots[index] = Shot(sent, (time.perf_counter() - started) * 1000, response.status_code, tag)
        session.close()

    threads = [
        threading.Thread(target=one, args=(i, tag, form)) for i, (tag, form) in enumerate(forms)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [shot for shot in shots if shot is not None]


def with_trigger(form: dict[str, str], trigger: str) -> dict[str, str]:
    payload = json.loads(form["payload"])
    payload["trigger_id"] = trigger
    return {"payload": json.dumps(payload)}


def round_forms(
    slack: RemoteSlack, names: list[str], first: int, clients: int, round_no: str
) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """The N requests of each kind for one round: handoffs ``first`` … ``first + N - 1``."""
    ids = range(first + 1, first + clients + 1)  # handoff ids follow the seeding order
    answer_to = slack.response_url
    details = {"field:primary_use_case": {"type": "plain_text_input", "value": "Invoicing"}}
    return {
        KINDS[0]: [
            ("", block_action("claim", user_id=csm(n), value=str(h), response_url=answer_to))
            for n, h in enumerate(ids)
        ],
        KINDS[1]: [
            ("", view_submission("handoff_fields", user_id=csm(n), handoff_id=h, values=details))
            for n, h in enumerate(ids)
        ],
        KINDS[2]: [
            (
                tag,
                slash_command(
                    f"status {names[h - 1]}", user_id=csm(n), response_url=f"{answer_to}?r={tag}"
                ),
            )
            for n, h in enumerate(ids)
            for tag in [f"s{round_no}-{n}"]
        ],
        KINDS[3]: [
            (
                tag,
                with_trigger(
                    block_action(
                        "add_details", user_id=csm(n), value=str(h), response_url=answer_to
                    ),
                    tag,
                ),
            )
            for n, h in enumerate(ids)
            for tag in [f"t{round_no}-{n}"]
        ],
    }


def answered_at(
    slack: RemoteSlack, kind: str, tags: set[str], since: int, timeout: float = 30
) -> dict[str, float]:
    """When the stand-in received each tagged answer (response_url POST or views.open)."""
    deadline = time.monotonic() + timeout
    while True:
        if kind == KINDS[2]:
            seen = {c.tag: c.at for c in slack.calls(since) if c.method == "response_url"}
        else:
            seen = {c.tag: c.at for c in slack.calls(since) if c.method == "views.open"}
        found = {tag: seen[tag] for tag in tags if tag in seen}
        if len(found) == len(tags) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


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
    with database(url, folder) as database_url:
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
                    if target == "handoff":
                        quiet(database_url)  # the claims have landed before their owners submit
                    if round_no:
                        acks[kind] += [shot.ack_ms for shot in shots]
            if target == "handoff":
                time.sleep(1.5)  # the last claims and saves land
                checked = verify(database_url, slack, since, expected=per_round * (args.rounds + 1))
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
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
