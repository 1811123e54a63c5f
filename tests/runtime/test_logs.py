"""Logs: quiet by default, one line per thing that happened, JSON lines for log shippers, and
the same under gunicorn as under ``python app.py``."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.runtime.logs import configure_logging
from bot.sandbox import FakeSlack
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.test_cli import ROOT, clean_env, free_port, run_app


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers, root.level = handlers, level
    for name in ("apscheduler.executors.default", "alembic"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def test_json_lines_carry_the_extra_fields(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging(level="INFO", json_lines=True, stream=stream)
    logging.getLogger("bot.delivery.card_relay").info(
        "posted the card of handoff %s", 12, extra={"handoff_id": 12, "correlation_id": "c0ffee"}
    )
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("handoff").exception("it failed")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert {
        k: first[k] for k in ("level", "logger", "message", "handoff_id", "correlation_id")
    } == {
        "level": "INFO",
        "logger": "bot.delivery.card_relay",
        "message": "posted the card of handoff 12",
        "handoff_id": 12,
        "correlation_id": "c0ffee",
    }
    assert first["time"].endswith("+00:00")
    assert second["level"] == "ERROR" and "ValueError: boom" in second["exception"]


def test_text_lines_append_extra_fields(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging(level="INFO", stream=stream)
    logging.getLogger("handoff").warning("card deferred", extra={"handoff_id": 7})
    assert stream.getvalue().rstrip().endswith("WARNING handoff: card deferred [handoff_id=7]")


def test_quiet_about_the_scheduler_and_the_unused_token(restore_logging: None) -> None:
    from slack_bolt import App
    from slack_sdk import WebClient

    stream = io.StringIO()
    configure_logging(level="INFO", stream=stream)
    logging.getLogger("apscheduler.executors.default").info('Running job "relay"')
    logging.getLogger("apscheduler.executors.default").warning("Run time of job was missed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SLACK_BOT_TOKEN", "xoxb-1")  # Bolt reads it by itself, then warns
        App(client=WebClient(token="xoxb-1"), signing_secret="s", token_verification_enabled=False)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and "Run time of job was missed" in lines[0]
    configure_logging(level="DEBUG", stream=stream)
    assert logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO)


def served_stderr(command: list[str], env: dict[str, str], url: str) -> tuple[int, str]:
    """Start a server, wait for /healthz, let the scheduler tick a few times, stop it."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    session = requests.Session()
    session.trust_env = False
    deadline = time.monotonic() + 60
    healthy = False
    while time.monotonic() < deadline and not healthy and process.poll() is None:
        try:
            healthy = session.get(url + "/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            time.sleep(0.1)
    if healthy:
        time.sleep(2.5)  # the relay ticks every second: 2 or 3 ticks, which must log nothing
    process.terminate()
    _, stderr = process.communicate(timeout=20)
    assert healthy, stderr
    return process.returncode, stderr


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(token=BOT_TOKEN).start()
    yield fake
    fake.stop()


def serving_env(slack: FakeSlack, tmp_path: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.url,
        CRM_WEBHOOK_SECRET="s",
        DATABASE_URL=f"sqlite:///{tmp_path / 'handoff.db'}",
        **extra,
    )


def test_serve_logs_json_and_stays_quiet_between_events(slack: FakeSlack, tmp_path: Path) -> None:
    port = free_port()
    env = serving_env(slack, tmp_path, PORT=str(port), LOG_FORMAT="json")
    _, stderr = served_stderr([sys.executable, "app.py"], env, f"http://127.0.0.1:{port}")
    entries = [json.loads(line) for line in stderr.splitlines()]  # every line is JSON
    messages = [entry["message"] for entry in entries]
    assert not [e for e in entries if e["logger"].startswith(("apscheduler", "alembic"))]
    assert not [m for m in messages if "will be unused" in m]
    assert any(m.startswith("Handoff is running on port") for m in messages)
    assert len(entries) <= 5, messages


def test_gunicorn_logs_like_python_app_py(slack: FakeSlack, tmp_path: Path) -> None:
    env = serving_env(slack, tmp_path, LOG_FORMAT="json")
    assert run_app("migrate", env=env).returncode == 0
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "app:create_wsgi_app()"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"]
    _, stderr = served_stderr(command, env, f"http://127.0.0.1:{port}")
    ours = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert [e["message"] for e in ours if e["logger"] == "handoff"] == [
        "Handoff is ready (/crm/events, /healthz, /slack/events)"
    ]
    assert not [e for e in ours if e["logger"].startswith("apscheduler")]


def test_gunicorn_stops_on_a_bad_setting_with_one_sentence(tmp_path: Path) -> None:
    env = clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", LOG_LEVEL="verbose")
    command = [sys.executable, "-m", "gunicorn", "app:create_wsgi_app()", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{free_port()}"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0  # gunicorn halts instead of restarting the worker for ever
    assert "Traceback" not in result.stderr
    assert "handoff: configuration error: LOG_LEVEL: 'verbose' is not a log level" in result.stderr
