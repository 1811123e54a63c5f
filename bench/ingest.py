"""Benchmark: signed CRM events through POST /crm/events, next to a raw insert of the same rows.

    python bench/ingest.py [--events 2000] [--clients 8] [--gunicorn 2x4 1x8] [--database-url URL]

Prints events/s through the real HTTP endpoint (signature check, validation, inbox, handoff
and field rows in one transaction) and the ratio to a raw SQLAlchemy insert of the same rows,
and between them the app's own share: the same events handed to its WSGI callable in-process.
Card posting is not on this path: the relay does it afterwards, off the request. Each of the
three is timed after ``--warmup`` events of its own (first-use costs: statements compiled,
modules imported on first use, the relay's first tick). SQLite files
in a temporary folder by default; with ``--database-url`` (PostgreSQL) each server and the
floor get a scratch schema of their own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

# The project root instead of bench/: the scripts import each other as bench.*
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


import app as handoff_app
from bench.ingest_floor import raw_insert
from bench.serving import free_port, fresh_database, wait_healthy
from bot.config.settings import Settings
from bot.crm.webhook.events import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from bot.sandbox import FakeSlack
from storage.migrate import upgrade

SECRET = "bench-secret"


def event(n: int, at: datetime) -> dict:
    return {
        "id": f"evt_{n}",
        "type": "deal.updated",
        "occurred_at": at.isoformat(),
        "deal": {
            "id": f"006BENCH{n:08d}",
            "name": f"Deal {n}",
            "stage": "Closed Won",
            "account_name": f"Account {n}",
            "amount": 1000 + n,
            "currency": "USD",
            "owner_email": "ae@vendor.example",
            "slack_channel_id": "C0BENCH01",
            "fields": {"primary_use_case": "Billing", "success_metrics": "DSO"},
        },
    }


def start_server(
    kind: str, url: str, slack: FakeSlack, workers: int, threads: int
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": slack.url,
        "CRM_WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": url,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "app.py", "migrate"],
        cwd=root,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if kind == "builtin":
        command = [sys.executable, "app.py", "serve"]
    else:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "app:create_wsgi_app()",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ]
    process = subprocess.Popen(command, cwd=root, env=env)
    wait_healthy(port, process, timeout=30, poll=0.1)
    return process, port


def through_http(
    kind: str,
    count: int,
    clients: int,
    url: str,
    workers: int = 2,
    threads: int = 4,
    *,
    warmup: int = 0,
) -> float:
    slack = FakeSlack(token="xoxb-bench").start()
    slack.add_channel("C0BENCH01", "bench")
    slack.add_user("U0BENCHAE", email="ae@vendor.example", name="Bench AE")
    process, port = start_server(kind, url, slack, workers, threads)
    now = datetime.now(UTC)
    bodies = [json.dumps(event(n, now)).encode() for n in range(warmup + count)]
    failures: list[int] = []

    def client(worker: int, indexes: range) -> None:
        # One connection per client, kept alive by both servers.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for index in indexes[worker::clients]:
            stamp = str(int(time.time()))
            connection.request(
                "POST",
                "/crm/events",
                body=bodies[index],
                headers={
                    "Content-Type": "application/json",
                    TIMESTAMP_HEADER: stamp,
                    SIGNATURE_HEADER: signature(SECRET, stamp, bodies[index]),
                },
            )
            response = connection.getresponse()
            response.read()
            status = response.status
            if status != 202:
                failures.append(status)

    def run(indexes: range) -> float:
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(w, indexes)) for w in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    run(range(warmup))
    elapsed = run(range(warmup, warmup + count))
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)
    slack.stop()
    if failures:
        raise SystemExit(f"{len(failures)} requests failed: {sorted(set(failures))}")
    return count / elapsed


def without_http(count: int, url: str, *, warmup: int = 0) -> float:
    """The app's own share: the same signed events handed to its WSGI callable in this
    process, one after another — no server, no sockets, no client threads, no relay."""
    slack = FakeSlack(token="xoxb-bench").start()
    slack.add_channel("C0BENCH01", "bench")
    slack.add_user("U0BENCHAE", email="ae@vendor.example", name="Bench AE")
    settings = Settings(
        slack_bot_token="xoxb-bench",
        slack_signing_secret="s",
        slack_api_url=slack.url,
        crm_webhook_secret=SECRET,
        database_url=url,
    )
    # The request path alone: no scheduler, so no relay posting cards alongside.
    runtime = handoff_app.build_runtime(settings)
    upgrade(runtime.engine)
    application = runtime.wsgi_app
    now = datetime.now(UTC)
    bodies = [json.dumps(event(n, now)).encode() for n in range(warmup + count)]
    statuses: list[str] = []
    started = time.perf_counter()
    for n, body in enumerate(bodies):
        if n == warmup:
            started = time.perf_counter()
        stamp = str(int(time.time()))
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/crm/events",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "HTTP_X_HANDOFF_REQUEST_TIMESTAMP": stamp,
            "HTTP_X_HANDOFF_SIGNATURE": signature(SECRET, stamp, body),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
        }
        b"".join(application(environ, lambda status, headers, *_: statuses.append(status)))
    rate = count / (time.perf_counter() - started)
    runtime.engine.dispose()
    slack.stop()
    refused = [status for status in statuses if not status.startswith("202")]
    if refused:
        raise SystemExit(f"{len(refused)} events refused in-process: {sorted(set(refused))}")
    return rate


def _layout(text: str) -> tuple[int, int]:
    workers, _, threads = text.partition("x")
    if not (workers.isdigit() and threads.isdigit()):
        raise SystemExit(f"--gunicorn takes WORKERSxTHREADS, such as 2x4, not {text!r}")
    return int(workers), int(threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=200, help="untimed events before each")
    parser.add_argument(
        "--servers", nargs="+", default=["builtin", "gunicorn"], choices=["builtin", "gunicorn"]
    )
    parser.add_argument(
        "--gunicorn",
        nargs="+",
        metavar="WORKERSxTHREADS",
        help="gunicorn gthread layouts to measure (default as the README runs it: 1x8 on "
        "SQLite, whose writes take turns anyway; 2x4 on PostgreSQL)",
    )
    parser.add_argument("--database-url", help="PostgreSQL (scratch schemas); SQLite if unset")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        workdir = Path(tmp)
        with fresh_database(args.database_url, workdir, "raw") as url:
            raw_rate = raw_insert(args.events, url, warmup=args.warmup)
        with fresh_database(args.database_url, workdir, "wsgi") as url:
            app_rate = without_http(args.events, url, warmup=args.warmup)
        rates: dict[str, float] = {}
        for kind in args.servers:
            default = ["2x4"] if args.database_url else ["1x8"]
            gunicorn = [_layout(g) for g in args.gunicorn or default]
            layouts = [(1, 1)] if kind == "builtin" else gunicorn
            for workers, threads in layouts:
                label = (
                    "python app.py (1 process)"
                    if kind == "builtin"
                    else f"gunicorn -w {workers} --threads {threads}"
                )
                with fresh_database(
                    args.database_url, workdir, f"{kind}{workers}x{threads}"
                ) as url:
                    rates[label] = through_http(
                        kind, args.events, args.clients, url, workers, threads, warmup=args.warmup
                    )
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"events: {args.events} after {args.warmup} untimed, {args.clients} concurrent "
        f"clients, {backend}, {os.cpu_count()} cores"
    )
    print(f"raw SQLAlchemy Core insert, same rows:    {raw_rate:7.0f} events/s")
    print(
        f"the app's WSGI callable in-process, no HTTP {app_rate:7.0f} events/s  "
        f"({app_rate / raw_rate:.2f}x raw)"
    )
    for label, rate in rates.items():
        ratio = rate / raw_rate
        print(f"POST /crm/events, {label:<26} {rate:7.0f} events/s  ({ratio:.2f}x raw)")


if __name__ == "__main__":
    main()
