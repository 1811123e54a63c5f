"""Acks come first; the work runs on the after-ack pool, and a full pool says "busy" (issue #10)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.handlers.later import AfterAckPool
from bot.handlers.routing import BUSY
from bot.sandbox import FakeSlack
from bot.sandbox.executor import DrainableExecutor
from storage.models import Handoff
from tests.conftest import RunningApp, start_app
from tests.support.team import CSM, CSM_IN_GROUP, seed_team, start_handoff

pytestmark = pytest.mark.team


def test_the_pool_takes_workers_plus_queue_jobs_and_refuses_the_next() -> None:
    gate, ran = threading.Event(), []
    pool = AfterAckPool(workers=1, queue=1)
    acked: list[int] = []
    assert pool.submit(gate.wait, first=lambda: acked.append(1))
    assert pool.submit(lambda: ran.append("second"), first=lambda: acked.append(2))
    assert not pool.submit(lambda: ran.append("third"), first=lambda: acked.append(3))
    assert acked == [1, 2]  # a refused job is not acked by the pool: the caller says "busy"
    assert not pool.drain(timeout=0.05)
    gate.set()
    assert pool.drain(timeout=10)
    assert ran == ["second"]
    assert pool.submit(lambda: ran.append("after"))
    pool.drain(timeout=10)
    assert ran == ["second", "after"]
    pool.shutdown()


@pytest.fixture
def one_thread() -> Iterator[DrainableExecutor]:
    executor = DrainableExecutor(max_workers=1)
    yield executor
    executor.shutdown(wait=True)


def small_app(
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    executor: DrainableExecutor,
    *,
    queue: int,
) -> RunningApp:
    app = start_app(
        engine,
        slack,
        clock,
        playbook,
        settings={"after_ack_workers": 1, "after_ack_queue": queue},
        after_ack_executor=executor,
    )
    seed_team(app)
    return app


def owner(app: RunningApp, handoff_id: int) -> str | None:
    [handoff] = [row for row in app.rows(Handoff) if row.id == handoff_id]
    return handoff.owner_slack_id


def test_a_click_is_acked_before_its_work_runs(
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    one_thread: DrainableExecutor,
) -> None:
    app = small_app(engine, slack, clock, playbook, one_thread, queue=5)
    try:
        handoff_id = start_handoff(app)
        gate = threading.Event()
        app.runtime.after_ack.submit(gate.wait)  # the pool's one thread is busy elsewhere
        reply = app.click("claim", user=CSM, handoff_id=handoff_id)
        assert reply.status == 200  # acked while the claim still waits for a thread
        app.executor.drain()
        assert owner(app, handoff_id) is None
        gate.set()
        one_thread.drain()
        assert owner(app, handoff_id) == CSM
    finally:
        app.stop()  # type: ignore[attr-defined]


def test_a_full_pool_answers_busy_in_every_kind_of_ack(
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
    one_thread: DrainableExecutor,
) -> None:
    app = small_app(engine, slack, clock, playbook, one_thread, queue=0)
    try:
        handoff_id = start_handoff(app)
        gate = threading.Event()
        assert app.runtime.after_ack.submit(gate.wait)  # the only place is taken

        command = app.command("status Acme", user=CSM)
        assert command.status == 200 and command.body["text"] == BUSY

        state = {"new_owner": {"type": "users_select", "selected_user": CSM_IN_GROUP}}
        submitted = app.submit("handoff_reassign", user=CSM, handoff_id=handoff_id, values=state)
        assert submitted.body == {"response_action": "errors", "errors": {"new_owner": BUSY}}

        click = app.click("claim", user=CSM, handoff_id=handoff_id)
        assert click.status == 200
        app.executor.drain()
        assert app.slack.responses()[-1]["text"] == BUSY  # privately, through response_url

        gate.set()
        one_thread.drain()
        assert owner(app, handoff_id) is None  # nothing was half done
        app.click("claim", user=CSM, handoff_id=handoff_id)  # and the next click goes through
        app.executor.drain()
        one_thread.drain()
        assert owner(app, handoff_id) == CSM
    finally:
        app.stop()  # type: ignore[attr-defined]
