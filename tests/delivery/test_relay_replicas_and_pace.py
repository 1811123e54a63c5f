"""The relay across replicas, against a slow or limited Slack: one card each, on Slack's pace.

Timing is deterministic: the stand-in moves the injected clock while it "takes" its time, and
every post is stamped with that clock.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
import requests
from sqlalchemy import event

import app as handoff_app
from bot.delivery.canvas_upkeep import CANVAS_METHODS
from bot.delivery.card_relay import CardRelay
from bot.sandbox import Fault
from storage.models import Handoff
from tests.conftest import AE_ID, DEAL_CHANNEL, RunningApp, make_settings
from tests.support.events import deal_event

SLOW = timedelta(seconds=8)


@pytest.fixture
def app(running_app: RunningApp) -> RunningApp:
    clock = running_app.clock
    running_app.slack.now = lambda: clock.now().timestamp()
    return running_app


def replica(app: RunningApp) -> CardRelay:
    """Another process on the same database, clock and Slack."""
    runtime = handoff_app.build_runtime(
        make_settings(app.slack),
        playbook=app.runtime.playbook,
        clock=app.clock,
        engine=app.runtime.engine,
    )
    return runtime.relay


def send_deals(app: RunningApp, count: int, channels: list[str]) -> None:
    for n in range(count):
        channel = channels[n % len(channels)]
        reply = app.send(deal_event(f"evt_{n}", id=f"006DEAL{n:05d}", slack_channel_id=channel))
        assert reply.status == 202, reply.body


def card_posts(app: RunningApp) -> list:
    return [
        call
        for call in app.slack.calls_to("chat.postMessage")
        if call.ok and "metadata" in call.args
    ]


def copies_per_handoff(app: RunningApp) -> Counter[str]:
    return Counter(
        str(call.response["message"]["metadata"]["event_payload"]["handoff_id"])
        for call in card_posts(app)
    )


def run_until_rendered(app: RunningApp, *relays: CardRelay, limit: int = 400) -> None:
    for _ in range(limit):
        if all(h.rendered_version == h.state_version for h in app.rows(Handoff)):
            return
        app.clock.advance(timedelta(seconds=1))
        for relay in relays:
            relay.run_once()
    raise AssertionError("cards still pending")


def test_a_slow_slack_never_lets_another_replica_post_the_same_card(app: RunningApp) -> None:
    """20 deals, chat.postMessage answering in 8 s: the first replica is inside its 8th post,
    past a minute after its batch began, when the second replica runs."""
    send_deals(app, 20, [DEAL_CHANNEL])
    inside, release = threading.Event(), threading.Event()

    def slow() -> None:
        app.clock.advance(SLOW)

    def slow_then_signal() -> None:
        slow()
        inside.set()

    app.slack.inject(Fault("slow", method="chat.postMessage", times=7, before=slow))
    app.slack.inject(
        Fault("hold", method="chat.postMessage", release=release, before=slow_then_signal)
    )
    first, second = app.runtime.relay, replica(app)
    worker = threading.Thread(target=first.run_once)
    worker.start()
    assert inside.wait(timeout=10)
    second.run_once()  # while the first replica is still posting its 8th card
    release.set()
    worker.join(timeout=30)
    assert set(copies_per_handoff(app).values()) == {1}

    run_until_rendered(app, first, second)
    copies = copies_per_handoff(app)
    assert len(copies) == 20 and set(copies.values()) == {1}
    assert len(app.cards()) == 20


def test_replicas_share_one_post_per_second_per_channel(app: RunningApp) -> None:
    send_deals(app, 6, [DEAL_CHANNEL])
    second = replica(app)
    for _ in range(20):
        app.runtime.relay.run_once()
        second.run_once()
        app.clock.advance(timedelta(milliseconds=500))
    stamps = sorted(call.at for call in card_posts(app))
    assert len(stamps) == 6
    assert min(b - a for a, b in pairwise(stamps)) >= 1.0


def test_a_burst_finishes_in_about_n_over_c_seconds_and_nothing_is_failing(
    app: RunningApp,
) -> None:
    channels = [f"C0BURST{n:03d}" for n in range(8)]
    for channel in channels:
        app.slack.add_channel(channel, channel.lower())
    send_deals(app, 96, channels)
    started = app.clock.now().timestamp()
    health = requests.Session()
    health.trust_env = False

    for tick in range(60):
        report = app.relay()
        assert report.failed == report.deferred == 0
        if tick == 5:
            assert health.get(app.url + "/healthz", timeout=5).json()["cards_failing"] == 0
        if all(h.card_ts for h in app.rows(Handoff)):
            break
        app.clock.advance(timedelta(seconds=1))

    last = max(call.at for call in card_posts(app)) - started
    assert len(card_posts(app)) == 96
    assert last <= 96 / 8 + 2  # N/C seconds, give or take the tick
    assert {h.card_attempts for h in app.rows(Handoff)} == {0}
    for channel in channels:
        stamps = sorted(c.at for c in card_posts(app) if c.args["channel"] == channel)
        assert min(b - a for a, b in pairwise(stamps)) >= 1.0


def test_a_429_means_not_posted_and_the_retry_skips_the_history_search(app: RunningApp) -> None:
    app.slack.inject(Fault("ratelimit", method="chat.postMessage", retry_after=5))
    send_deals(app, 1, [DEAL_CHANNEL])
    assert app.relay().deferred == 1
    app.clock.advance(timedelta(seconds=6))
    assert app.relay().posted == 1
    assert app.slack.calls_to("conversations.history") == []
    assert len(app.cards()) == 1


def test_a_card_whose_answer_was_lost_is_posted_when_history_cannot_be_searched(
    app: RunningApp,
) -> None:
    app.slack.inject(Fault("reset", method="chat.postMessage"))
    app.slack.inject(Fault("error", method="conversations.history", error="missing_scope"))
    send_deals(app, 1, [DEAL_CHANNEL])
    assert app.relay().deferred == 1
    app.clock.advance(timedelta(minutes=1))
    report = app.relay()
    assert report.posted == 1 and report.failed == 0
    assert len(app.cards()) == 1


def test_a_rate_limited_history_is_waited_for_then_the_card_posted(app: RunningApp) -> None:
    app.slack.inject(Fault("reset", method="chat.postMessage"))
    app.slack.inject(Fault("ratelimit", method="conversations.history", retry_after=60, times=99))
    send_deals(app, 1, [DEAL_CHANNEL])
    app.relay()
    for _ in range(10):
        app.clock.advance(timedelta(minutes=1))
        assert app.relay().posted == 0  # still trying to find out whether it was posted
    for _ in range(10):
        app.clock.advance(timedelta(minutes=1))
        app.relay()
    assert len(app.cards()) == 1
    [handoff] = app.rows(Handoff)
    assert handoff.card_error is None


def test_a_burst_to_known_channels_costs_about_one_slack_call_per_card(app: RunningApp) -> None:
    channels = [f"C0KNOWN{n:03d}" for n in range(4)]
    for channel in channels:
        app.slack.add_channel(channel, channel.lower())
        app.slack.workspace.channels[channel].members.add(AE_ID)
    before = len(app.slack.calls)
    send_deals(app, 60, channels)
    run_until_rendered(app, app.runtime.relay)
    app.relay()  # invitations, if any, go out after the cards
    # The brief's canvas is upkeep of its own, counted apart (bench/slack_calls.py does too).
    calls = [c.method for c in app.slack.calls[before:] if c.method not in CANVAS_METHODS]
    assert calls.count("chat.postMessage") == 60
    assert len(calls) / 60 <= 1.2, Counter(calls)
    assert "conversations.invite" not in calls and "conversations.join" not in calls


def test_fixed_channel_mode_never_invites(app: RunningApp) -> None:
    app.slack.add_channel("C0FIXED01", "all-handoffs", bot_is_member=False)
    channels = app.runtime.playbook.channels.model_copy(
        update={"strategy": "fixed", "fixed_channel_id": "C0FIXED01"}
    )
    app.runtime.relay._playbook = app.runtime.playbook.model_copy(update={"channels": channels})
    for n in range(3):
        app.send(deal_event(f"evt_{n}", id=f"006FIX{n}", slack_channel_id=None))
    run_until_rendered(app, app.runtime.relay)
    app.relay()
    assert len(app.cards("C0FIXED01")) == 3
    assert len(app.slack.calls_to("conversations.join")) == 1
    assert app.slack.calls_to("conversations.invite") == []


def test_an_outage_is_logged_once_and_its_recovery_too(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    app.slack.inject(Fault("status", method="chat.postMessage", status=503, times=3))
    send_deals(app, 1, [DEAL_CHANNEL])
    [handoff] = app.rows(Handoff)
    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        for _ in range(4):
            app.relay()
            app.clock.advance(timedelta(minutes=5))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert f"handoff {handoff.id}" in warnings[0].getMessage()
    assert "503" in warnings[0].getMessage()
    recovered = [r.getMessage() for r in caplog.records if "after 3 failed" in r.getMessage()]
    assert recovered and all(r.levelno == logging.INFO for r in caplog.records if r not in warnings)


def test_a_lost_answer_is_searched_for_only_once_slack_is_surely_done(app: RunningApp) -> None:
    app.slack.inject(Fault("reset_after", method="chat.postMessage"))
    send_deals(app, 1, [DEAL_CHANNEL])
    assert app.relay().deferred == 1
    app.clock.advance(timedelta(seconds=5))
    assert app.relay().waiting == 1  # the post may still be landing: not yet
    assert app.slack.calls_to("conversations.history") == []
    app.clock.advance(timedelta(minutes=1))
    report = app.relay()
    assert (report.posted, report.updated) == (0, 1)
    assert len(app.cards()) == 1


def test_a_delayed_invitation_is_logged_once_and_its_delivery_too(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    app.slack.inject(Fault("status", method="conversations.invite", status=503, times=2))
    app.send(deal_event(slack_channel_id=None, account_name="Initech"))
    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        for _ in range(3):
            app.relay()
            app.clock.advance(timedelta(minutes=5))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "invite_to_channel" in warnings[0] and "503" in warnings[0]
    assert any("delivered after 2 failed" in r.getMessage() for r in caplog.records)
    channel = app.slack.channel_by_name("handoff-initech")
    assert channel is not None and AE_ID in channel["members"]


def send_deals_from(app: RunningApp, first: int, count: int) -> None:
    for n in range(first, first + count):
        reply = app.send(deal_event(f"evt_{n}", id=f"006DEAL{n:05d}"))
        assert reply.status == 202, reply.body


def transactions_of_one_relay_run(app: RunningApp) -> int:
    begun: list[object] = []
    engine = app.runtime.engine

    def count(connection: object) -> None:
        begun.append(connection)

    event.listen(engine, "begin", count)
    try:
        app.runtime.relay.run_once()
    finally:
        event.remove(engine, "begin", count)
    return len(begun)


def test_a_card_waiting_for_its_turn_costs_the_relay_two_transactions(app: RunningApp) -> None:
    """In a burst to one channel every new card but the first waits for its turn. Taking and
    reading it is one transaction; storing its AE, its channel and the turn it waits for is
    the other (on SQLite each takes the write lock the CRM's requests queue for). It was six."""
    send_deals(app, 1, [DEAL_CHANNEL])
    app.runtime.relay.run_once()  # the first card takes the channel's turn and is posted
    assert len(card_posts(app)) == 1

    send_deals_from(app, 1, 10)
    ten = transactions_of_one_relay_run(app)
    send_deals_from(app, 11, 20)  # the ten before wait for their turns: not due again yet
    twenty = transactions_of_one_relay_run(app)

    assert (twenty - ten) / 10 == 2  # the runs' own queries cancel out
    waiting = [h for h in app.rows(Handoff) if h.card_ts is None]
    assert len(waiting) == 30 and len(card_posts(app)) == 1
    slots = sorted(h.card_slot_at for h in waiting)
    assert min(b - a for a, b in pairwise(slots)) >= timedelta(seconds=1)
    for handoff in waiting:
        assert handoff.channel_id == DEAL_CHANNEL and handoff.ae_slack_id == AE_ID
        assert handoff.card_next_attempt_at == handoff.card_slot_at
        assert handoff.card_lease_token is None and handoff.card_lease_until is None
