"""Fixtures shared by every test: databases (SQLite and PostgreSQL), the Slack stand-in, the app."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text

import app as handoff_app
from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import Settings
from bot.delivery.card_relay import RelayReport
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from bot.sandbox.executor import DrainableExecutor
from bot.web.server import HttpServer
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Base, Handoff
from tests.support.signing import (
    Reply,
    block_action,
    menu_choice,
    modal_action,
    post_crm_event,
    post_to_slack_endpoint,
    slash_command,
    view_submission,
)

POSTGRES_URL = os.environ.get(
    "HANDOFF_TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("HANDOFF_REQUIRE_POSTGRES") == "1"
BOT_TOKEN = "xoxb-test-token"
SIGNING_SECRET = "test-signing-secret"
WEBHOOK_SECRET = "test-webhook-secret"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AE_ID = "U0DANA0AE"
AE_EMAIL = "dana@acme-vendor.example"
DEAL_CHANNEL = "C0123ABCD"


def _postgres_problem() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means "no PostgreSQL here"
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}"
    return None


@contextmanager
def empty_database(backend: str, folder: Path) -> Iterator[Engine]:
    """A database with no tables: a SQLite file, or a PostgreSQL schema of its own."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{folder / 'handoff.db'}")
        yield engine
        engine.dispose()
        return
    problem = _postgres_problem()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(problem + " (HANDOFF_REQUIRE_POSTGRES=1)")
        pytest.skip(problem)
    schema = f"handoff_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database, once per backend per session. Each backend runs the whole suite."""
    with empty_database(request.param, tmp_path_factory.mktemp("db")) as engine:
        upgrade(engine)
        yield engine


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each backend, for tests of the migrations themselves."""
    with empty_database(request.param, tmp_path) as engine:
        yield engine


@pytest.fixture
def engine(database: Engine) -> Iterator[Engine]:
    yield database
    with database.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(token=BOT_TOKEN).start()
    fake.add_user(AE_ID, email=AE_EMAIL, name="Dana Ae")
    fake.add_user("U0CSM0001", email="casey@vendor.example", name="Casey Csm")
    fake.add_channel(DEAL_CHANNEL, "deal-acme")
    yield fake
    fake.stop()


@pytest.fixture
def playbook(request: pytest.FixtureRequest) -> Playbook:
    """The default playbook; in a module marked ``team``, with the test team in it."""
    from tests.support.team import team_playbook

    playbook = load_playbook()
    return team_playbook(playbook) if request.node.get_closest_marker("team") else playbook


@dataclass
class RunningApp:
    runtime: handoff_app.Runtime
    url: str
    clock: ManualClock
    slack: FakeSlack
    executor: DrainableExecutor

    def settle(self) -> RelayReport:
        """Let listeners finish their after-ack work, then relay what they changed."""
        self.executor.drain()
        return self.relay()

    def click(self, action: str, *, user: str, handoff_id: int, home: bool = False) -> Reply:
        form = block_action(
            action,
            user_id=user,
            value=str(handoff_id),
            response_url=self.slack.response_url,
            container="view" if home else "message",
        )
        return post_to_slack_endpoint(self.url, form, secret=SIGNING_SECRET)

    def choose(self, action: str, *, user: str, handoff_id: int) -> Reply:
        """Pick ``action`` from the card's overflow menu."""
        form = menu_choice(
            f"{action}:{handoff_id}", user_id=user, response_url=self.slack.response_url
        )
        return post_to_slack_endpoint(self.url, form, secret=SIGNING_SECRET)

    def press_in_modal(
        self, action: str, *, user: str, handoff_id: int, callback: str, values: dict[str, Any]
    ) -> Reply:
        """A button inside an open modal, sent with the modal's current state."""
        form = modal_action(
            action, user_id=user, handoff_id=handoff_id, callback_id=callback, values=values
        )
        return post_to_slack_endpoint(self.url, form, secret=SIGNING_SECRET)

    def submit(self, callback: str, *, user: str, handoff_id: int, values: dict[str, Any]) -> Reply:
        form = view_submission(callback, user_id=user, handoff_id=handoff_id, values=values)
        return post_to_slack_endpoint(self.url, form, secret=SIGNING_SECRET)

    def command(self, text: str, *, user: str) -> Reply:
        form = slash_command(text, user_id=user, response_url=self.slack.response_url)
        return post_to_slack_endpoint(self.url, form, secret=SIGNING_SECRET)

    def ephemeral_texts(self) -> list[str]:
        self.executor.drain()
        return [str(r.get("text", "")) for r in self.slack.responses()]

    def dms(self, user: str) -> list[str]:
        self.executor.drain()
        return [
            str(c.args.get("text"))
            for c in self.slack.calls_to("chat.postMessage")
            if c.ok and c.args.get("channel") == user
        ]

    def thread(self, channel: str = "C0123ABCD") -> list[dict[str, Any]]:
        return [m for m in self.slack.messages(channel) if "thread_ts" in m]

    def relay(self) -> RelayReport:
        return self.runtime.relay.run_once()

    def send(self, payload: Any, **options: Any) -> Reply:
        """POST a CRM event signed with the app's secret at the app's (injected) time."""
        options.setdefault("timestamp", int(self.clock.now().timestamp()))
        options.setdefault("secret", WEBHOOK_SECRET)
        return post_crm_event(self.url, payload, **options)

    def rows(self, model: type[Any]) -> list[Any]:
        with self.runtime.sessions.begin() as session:
            return list(session.scalars(select(model).order_by(model.id)))

    def rows_of(self, model: type[Any]) -> list[Any]:
        """Every row of a table, whatever its key (rows() orders by id)."""
        with self.runtime.sessions.begin() as session:
            return list(session.scalars(select(model)))

    def rows_ids(self) -> list[int]:
        return [row.id for row in self.rows(Handoff)]

    def cards(self, channel: str = DEAL_CHANNEL) -> list[dict[str, Any]]:
        return [m for m in self.slack.messages(channel) if "thread_ts" not in m]


def make_settings(slack: FakeSlack, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack.url,
        "crm_webhook_secret": WEBHOOK_SECRET,
    }
    values.update(overrides)
    return Settings.model_validate(values)


def start_app(
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    settings: dict[str, object] | None = None,
    **build: Any,
) -> RunningApp:
    executor = DrainableExecutor()
    runtime = handoff_app.build_runtime(
        make_settings(slack, **(settings or {})),
        playbook=playbook,
        clock=clock,
        engine=engine,
        listener_executor=executor,
        **{"after_ack_executor": executor, **build},  # one executor.drain() waits for both
    )
    server = HttpServer(runtime.wsgi_app, host="127.0.0.1", port=0)
    server.start_in_background()
    app = RunningApp(runtime, f"http://127.0.0.1:{server.port}", clock, slack, executor)
    app.stop = lambda: (server.stop(), executor.shutdown(wait=True))  # type: ignore[attr-defined]
    return app


@pytest.fixture
def running_app(
    engine: Engine, slack: FakeSlack, clock: ManualClock, playbook: Playbook
) -> Iterator[RunningApp]:
    app = start_app(engine, slack, clock, playbook)
    yield app
    app.stop()  # type: ignore[attr-defined]


@pytest.fixture
def app(running_app: RunningApp) -> RunningApp:
    """The running app, with the test team's people and user group known to Slack."""
    from tests.support.team import seed_team

    seed_team(running_app)
    return running_app
