"""Acks go first: work waits while Slack requests are between the door and their ack, from the
moment their bytes arrive, and the periodic work makes way between its items (issue #10)."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlparse

import pytest

from bot.handlers.later import AfterAckPool
from bot.sandbox.requests import block_action, form_body, signed_headers
from bot.timers.periodic import start_ticking
from tests.conftest import SIGNING_SECRET, RunningApp
from tests.support.events import deal_event
from tests.support.team import CSM, start_handoff
from tests.support.waiting import wait_until

pytestmark = pytest.mark.team


def test_a_click_counts_from_the_door_while_its_body_is_still_arriving(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    body = form_body(block_action("claim", user_id=CSM, value=str(handoff_id)))
    headers = signed_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")
    address = urlparse(app.url)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    with socket.create_connection((address.hostname, address.port)) as connection:
        connection.sendall(
            f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
            f"{head}\r\n".encode()
            + body[:10]
        )
        # Bolt has not seen it yet (the body is not all there), but it is being acked.
        wait_until(lambda: app.runtime.after_ack.acks_pending == 1)
        connection.sendall(body[10:])
        assert connection.recv(65536).startswith(b"HTTP/1.1 200")
    wait_until(lambda: app.runtime.after_ack.acks_pending == 0)


def test_a_job_waits_for_the_pending_acks_up_to_its_head_start() -> None:
    pool = AfterAckPool(workers=1, queue=1, head_start=30)
    ran = threading.Event()
    with pool.acking():
        assert pool.submit(ran.set)
        assert not ran.wait(timeout=0.1)  # held: an ack is being made
    assert pool.drain(timeout=10) and ran.is_set()
    pool.shutdown()

    impatient = AfterAckPool(workers=1, queue=1, head_start=0)
    with impatient.acking():
        assert impatient.submit(ran.clear)
        assert impatient.drain(timeout=10)  # a steady stream of acks cannot starve the jobs
    impatient.shutdown()


def test_the_relay_makes_way_for_acks_before_each_card(
    app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    posted_at_each_yield: list[int] = []
    posts = lambda: len(app.slack.calls_to("chat.postMessage"))  # noqa: E731
    for n in range(3):
        deal = deal_event(f"evt_{n}", id=f"006{n:015d}", channel=f"C0DEAL{n:04d}")
        assert app.send(deal).status == 202
    monkeypatch.setattr(
        app.runtime.relay, "_yield_to_requests", lambda: posted_at_each_yield.append(posts())
    )
    app.relay()
    assert posts() >= 3
    assert {0, 1, 2} <= set(posted_at_each_yield)  # before the first, second and third card


def test_each_periodic_tick_makes_way_for_acks_first() -> None:
    order: list[str] = []
    ticked = threading.Event()

    def tick() -> None:
        order.append("tick")
        ticked.set()

    scheduler = start_ticking([("t", tick, 3600)], yield_to_requests=lambda: order.append("yield"))
    try:
        assert ticked.wait(timeout=10)
    finally:
        scheduler.shutdown(wait=True)
    assert order == ["yield", "tick"]
