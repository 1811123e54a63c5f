"""Every mistake at start is one sentence naming the setting, a non-zero exit, no traceback."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from bot.runtime.startup import StartupError, bind_http, require_migrated
from storage.db import make_engine
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES, _postgres_problem
from tests.test_cli import clean_env, free_port, run_app

SERVING = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


def one_sentence(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("handoff:")]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("command", ["migrate", "serve"])
def test_an_unreachable_postgresql_is_named(command: str) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg://handoff@127.0.0.1:{port}/handoff"
    result = run_app(command, env=clean_env(DATABASE_URL=url, **SERVING, PORT=str(free_port())))
    assert result.returncode != 0
    assert one_sentence(result.stderr) == (
        f"handoff: cannot reach the database at 127.0.0.1:{port} (DATABASE_URL): nothing "
        "answers there (connection refused); start the database or correct DATABASE_URL"
    )


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    problem = _postgres_problem()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(problem)
        pytest.skip(problem)
    schema = f"handoff_cli_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield schema
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_postgres_urls_as_heroku_hands_them_out_work(postgres_schema: str) -> None:
    plain = POSTGRES_URL.replace("postgresql+psycopg://", "postgres://", 1)
    url = f"{plain}?options=-csearch_path%3D{postgres_schema}"
    result = run_app("migrate", env=clean_env(DATABASE_URL=url))
    assert result.returncode == 0, result.stderr
    assert "is up to date" in result.stdout
    engine = create_engine(POSTGRES_URL)
    assert "handoffs" in inspect(engine).get_table_names(schema=postgres_schema)
    engine.dispose()


@pytest.mark.parametrize(
    ("env", "sentence"),
    [
        (
            {"LOG_LEVEL": "verbose"},
            "handoff: configuration error: LOG_LEVEL: 'verbose' is not a log level; write one "
            "of DEBUG, INFO, WARNING, ERROR, CRITICAL",
        ),
    ],
)
def test_bad_settings_are_one_sentence(env: dict[str, str], sentence: str) -> None:
    result = run_app(env=clean_env(**SERVING, **env))
    assert result.returncode != 0
    assert one_sentence(result.stderr) == sentence


def test_a_port_in_use_is_named(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = clean_env(**SERVING, PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}")
        result = run_app(env=env)
    assert result.returncode != 0
    assert one_sentence(result.stderr) == (
        f"handoff: port {port} is already in use (PORT): stop the program using it, or set "
        f"PORT to a free port such as {port + 1}"
    )


def test_bad_yaml_is_one_line_with_where(tmp_path: Path) -> None:
    playbook = tmp_path / "playbook.yml"
    playbook.write_text("fields:\n  - key: a\n    label: [unclosed\n")
    env = clean_env(**SERVING, HANDOFF_PLAYBOOK=str(playbook))
    result = run_app(env=env)
    assert result.returncode != 0
    sentence = one_sentence(result.stderr)
    assert sentence.startswith(f"handoff: configuration error: playbook {playbook}: not valid YAML")
    assert "at line 4, column 1:" in sentence


def test_a_port_in_use_in_process() -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        with pytest.raises(StartupError, match="is already in use"):
            bind_http(lambda environ, start: [], taken.getsockname()[1])


def test_gunicorn_is_told_to_migrate_first(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(StartupError) as caught:
        require_migrated(engine)
    message = caught.value.user_message
    assert message.startswith(f"the SQLite file {tmp_path / 'fresh.db'} is not up to date")
    assert message.endswith("run `python app.py migrate` once, then start again")
    engine.dispose()
