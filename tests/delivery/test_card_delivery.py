"""The relay against a failing Slack: cards are delayed, never lost, never posted twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import app as handoff_app
from bot.config.playbook import Playbook
from bot.sandbox import Fault
from storage.enums import OutboxStatus
from storage.models import Handoff, OutboxMessage
from tests.conftest import AE_ID, DEAL_CHANNEL, RunningApp, make_settings
from tests.support.events import deal_event


def posts(app: RunningApp) -> list:
    return [call for call in app.slack.calls_to("chat.postMessage") if call.ok]


def test_slack_5xx_delays_the_card_until_it_recovers(running_app: RunningApp) -> None:
    running_app.slack.inject(Fault("status", method="chat.postMessage", status=503, times=3))
    running_app.send(deal_event())

    for _ in range(3):
        report = running_app.relay()
        assert report.deferred == 1 and report.posted == 0
        assert running_app.relay().deferred == 0  # backing off: not retried before its time
        running_app.clock.advance(timedelta(minutes=5))

    assert running_app.relay().posted == 1
    assert len(running_app.cards()) == 1
    [handoff] = running_app.rows(Handoff)
    assert handoff.card_error is None and handoff.card_attempts == 0


def test_rate_limit_waits_for_retry_after(running_app: RunningApp) -> None:
    running_app.slack.inject(Fault("ratelimit", method="chat.postMessage", retry_after=30))
    running_app.send(deal_event())
    assert running_app.relay().deferred == 1

    running_app.clock.advance(timedelta(seconds=20))
    assert running_app.relay().posted == 0
    running_app.clock.advance(timedelta(seconds=11))
    assert running_app.relay().posted == 1
    assert len(running_app.cards()) == 1


def test_connection_reset_before_slack_saw_it_is_retried(running_app: RunningApp) -> None:
    running_app.slack.inject(Fault("reset", method="chat.postMessage"))
    running_app.send(deal_event())
    assert running_app.relay().deferred == 1
    running_app.clock.advance(timedelta(minutes=1))
    assert running_app.relay().posted == 1
    assert len(running_app.cards()) == 1


def test_reset_after_slack_posted_reconciles_instead_of_posting_twice(
    running_app: RunningApp,
) -> None:
    running_app.slack.inject(Fault("reset_after", method="chat.postMessage"))
    running_app.send(deal_event())
    assert running_app.relay().deferred == 1
    assert len(running_app.cards()) == 1  # Slack has it; we never heard back

    running_app.clock.advance(timedelta(minutes=1))
    report = running_app.relay()
    assert (report.posted, report.updated) == (0, 1)
    assert len(running_app.cards()) == 1
    assert len(running_app.slack.calls_to("conversations.history")) == 1
    [handoff] = running_app.rows(Handoff)
    assert handoff.card_ts == running_app.cards()[0]["ts"]


def test_lost_update_heals_on_the_next_tick(running_app: RunningApp) -> None:
    running_app.send(deal_event("evt_1"))
    running_app.relay()
    running_app.slack.inject(Fault("status", method="chat.update", status=500))
    running_app.send(deal_event("evt_2", occurred_at=running_app.clock.now(), amount=99000))
    assert running_app.relay().deferred == 1
    running_app.clock.advance(timedelta(minutes=1))
    assert running_app.relay().updated == 1
    assert "USD 99,000" in str(running_app.cards()[0]["blocks"])


def test_every_kind_of_outage_ends_in_exactly_one_card(running_app: RunningApp) -> None:
    for kind in ("reset", "reset_after", "status", "ratelimit"):
        running_app.slack.inject(Fault(kind, method="chat.postMessage"))
    running_app.send(deal_event())
    for _ in range(10):
        running_app.relay()
        running_app.clock.advance(timedelta(minutes=5))
    assert len(running_app.cards()) == 1
    [handoff] = running_app.rows(Handoff)
    assert handoff.rendered_version == handoff.state_version


def test_two_replicas_relaying_at_once_post_one_card(running_app: RunningApp) -> None:
    runtime = running_app.runtime
    replica = handoff_app.build_runtime(
        make_settings(running_app.slack),
        playbook=runtime.playbook,
        clock=running_app.clock,
        engine=runtime.engine,
    )
    second = replica.relay
    for n in range(10):
        running_app.send(
            deal_event(
                f"evt_{n}", id=f"006DEAL{n}", slack_channel_id=None, account_name=f"Acct {n}"
            )
        )
    barrier = threading.Barrier(2)

    def run(relay: object) -> None:
        barrier.wait()
        relay.run_once()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=run, args=(r,)) for r in (runtime.relay, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(posts(running_app)) == 10
    assert all(h.card_ts for h in running_app.rows(Handoff))


def test_per_deal_channel_is_created_from_the_account_and_the_ae_invited(
    running_app: RunningApp,
) -> None:
    running_app.send(deal_event(slack_channel_id=None, account_name="Ünïcode & Sons, Inc."))
    running_app.relay()
    channel = running_app.slack.channel_by_name("handoff-unicode-sons-inc")
    assert channel is not None
    assert len(running_app.cards(channel["id"])) == 1
    assert AE_ID in channel["members"]
    [invite] = running_app.rows(OutboxMessage)
    assert invite.status is OutboxStatus.DONE


def test_existing_account_channel_is_reused(running_app: RunningApp) -> None:
    existing = running_app.slack.add_channel("C0EXISTING", "handoff-acme-corp")
    running_app.send(deal_event(slack_channel_id=None))
    running_app.relay()
    assert len(running_app.cards(existing)) == 1


def test_fixed_channel_strategy(running_app: RunningApp, playbook: Playbook) -> None:
    running_app.slack.add_channel("C0FIXED01", "all-handoffs", bot_is_member=False)
    fixed = playbook.model_copy(
        update={
            "channels": playbook.channels.model_copy(
                update={"strategy": "fixed", "fixed_channel_id": "C0FIXED01"}
            )
        }
    )
    running_app.runtime.relay._playbook = fixed
    running_app.send(deal_event(slack_channel_id=None))
    running_app.relay()
    assert len(running_app.cards("C0FIXED01")) == 1


def test_channel_slack_refuses_is_reported_and_retried_later(running_app: RunningApp) -> None:
    import requests

    running_app.send(deal_event(slack_channel_id="C0GONE999"))
    report = running_app.relay()
    assert report.failed == 1 and "channel_not_found" in report.errors[0]
    health = requests.Session()
    health.trust_env = False
    assert health.get(running_app.url + "/healthz", timeout=5).json()["cards_failing"] == 1

    running_app.slack.add_channel("C0GONE999", "restored")
    running_app.clock.advance(timedelta(minutes=30))
    assert running_app.relay().posted == 0
    running_app.clock.advance(timedelta(minutes=31))
    assert running_app.relay().posted == 1


def test_private_channel_without_the_bot_is_a_clear_error(running_app: RunningApp) -> None:
    running_app.slack.add_channel("G0PRIVATE1", "secret-deal", is_private=True, bot_is_member=False)
    running_app.send(deal_event(slack_channel_id="G0PRIVATE1"))
    report = running_app.relay()
    assert report.failed == 1 and "not_in_channel" in report.errors[0]
    assert DEAL_CHANNEL  # the default channel is untouched
