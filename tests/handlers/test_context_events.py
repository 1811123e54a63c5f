"""The deal channel as a source: messages delivered by the Events API (with Slack's retries),
edits, deletions, other bots, and transcript files shared there, downloaded with the bot token
from the Slack stand-in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack, Fault
from bot.workflow.context_intake import ChannelMessage, queue_extraction
from storage.enums import ContextState, OutboxKind, OutboxStatus, SuggestionStatus
from storage.models import OutboxMessage
from tests.conftest import AE_ID, DEAL_CHANNEL, RunningApp, start_app
from tests.support.context import (
    FORMATS,
    SLACK_BUYER,
    SLACK_METRIC,
    USE_CASE,
    card_text,
    channel,
    settle_context,
    sources,
    suggestions,
)
from tests.support.team import CS_CHANNEL, CSM, start_handoff

OTHER_CHANNEL = "C0RANDOM1"


def values(app: RunningApp, field_key: str) -> list[str]:
    return [s.value for s in suggestions(app, field_key=field_key)]


def test_a_message_is_stored_once_however_often_slack_delivers_it(
    running_app: RunningApp,
) -> None:
    app = running_app
    start_handoff(app, fields={})
    people = channel(app)
    first = people.say(DEAL_CHANNEL, CSM, SLACK_METRIC, at=app.clock.now())
    assert first.status == 200
    # Slack retries when it did not see our 200 in time: same event_id, X-Slack-Retry-Num.
    assert people.deliver(first.envelope, retry=1).status == 200
    assert people.deliver(first.envelope, retry=2).status == 200
    report = settle_context(app)
    [stored] = sources(app)
    assert stored.segments == [{"speaker": None, "start": None, "text": SLACK_METRIC}]
    assert (stored.channel_id, stored.author, stored.state) == (
        DEAL_CHANNEL,
        CSM,
        ContextState.READY,
    )
    assert values(app, "success_metrics") == [SLACK_METRIC]
    assert report.extracted == 1
    # A retry arriving after the extraction adds nothing either.
    people.deliver(first.envelope, retry=3)
    assert settle_context(app).extracted == 0
    assert len(suggestions(app)) == 1
    assert "1 suggestion from calls and the deal channel waits for" in card_text(app)


def test_a_burst_of_messages_is_read_once_after_it_settles(running_app: RunningApp) -> None:
    app = running_app
    start_handoff(app, fields={})
    people = channel(app)
    for words in (SLACK_BUYER, SLACK_METRIC, "Sounds good, talk tomorrow."):
        people.say(DEAL_CHANNEL, CSM, words, at=app.clock.now())
    app.executor.drain()
    assert app.runtime.context.run_once().extracted == 0  # still settling
    report = settle_context(app)
    assert (report.extracted, report.suggestions) == (1, 2)


def test_bots_other_channels_and_our_own_card_edits_are_not_stored(
    running_app: RunningApp,
) -> None:
    app = running_app
    start_handoff(app, fields={})
    app.slack.add_channel(OTHER_CHANNEL, "random")
    people = channel(app)
    people.say(DEAL_CHANNEL, "U0SOMEBOT", SLACK_METRIC, bot=True)
    people.say(OTHER_CHANNEL, CSM, SLACK_METRIC)
    card_ts = next(m["ts"] for m in app.slack.messages(DEAL_CHANNEL) if "blocks" in m)
    # Our card being updated arrives as a message_changed event from a bot.
    envelope = people.say(DEAL_CHANNEL, CSM, "placeholder").envelope
    envelope["event"] = {
        "type": "message",
        "subtype": "message_changed",
        "channel": DEAL_CHANNEL,
        "message": {"type": "message", "bot_id": "BHANDOFF", "text": SLACK_METRIC, "ts": card_ts},
        "ts": card_ts,
    }
    envelope["event_id"] = "Ev0CARDEDIT"
    people.deliver(envelope)
    settle_context(app)
    assert [s.segments[0]["text"] for s in sources(app)] == ["placeholder"]


def test_an_edit_replaces_what_was_found_and_a_late_older_edit_changes_nothing(
    running_app: RunningApp,
) -> None:
    app = running_app
    start_handoff(app, fields={})
    people = channel(app)
    said = people.say(DEAL_CHANNEL, CSM, SLACK_METRIC, at=app.clock.now())
    settle_context(app)
    ts = said.envelope["event"]["ts"]
    better = SLACK_METRIC.replace("10", "12")
    first_edit = people.edit(DEAL_CHANNEL, ts, better, at=app.clock.now())
    settle_context(app)
    assert values(app, "success_metrics") == [better]
    # The earlier edit is redelivered late, after a newer one: it must not win.
    second_edit = people.edit(
        DEAL_CHANNEL,
        ts,
        SLACK_METRIC.replace("10", "14"),
        at=app.clock.advance(timedelta(minutes=1)),
    )
    people.deliver(first_edit.envelope, retry=1)
    settle_context(app)
    assert second_edit.status == 200
    assert values(app, "success_metrics") == [SLACK_METRIC.replace("10", "14")]


def test_a_deletion_withdraws_what_rested_only_on_it(running_app: RunningApp) -> None:
    app = running_app
    start_handoff(app, fields={})
    people = channel(app)
    kept = people.say(DEAL_CHANNEL, CSM, SLACK_BUYER, at=app.clock.now())
    doomed = people.say(DEAL_CHANNEL, AE_ID, SLACK_METRIC, at=app.clock.now())
    settle_context(app)
    assert "2 suggestions" in card_text(app)
    people.delete(DEAL_CHANNEL, doomed.envelope["event"]["ts"])
    settle_context(app)
    assert values(app, "success_metrics") == []
    assert values(app, "decision_makers") == ["Priya Shah, CFO <priya@acme.example>"]
    assert "1 suggestion from calls" in card_text(app)
    tombstone = next(s for s in sources(app) if s.author == AE_ID)
    assert (tombstone.state, tombstone.segments) == (ContextState.DELETED, None)
    # A late retry of the deleted message brings nothing back.
    people.deliver(doomed.envelope, retry=1)
    settle_context(app)
    assert values(app, "success_metrics") == []
    assert kept.status == 200


def test_a_reply_in_a_cards_thread_belongs_to_that_card_in_a_shared_channel(
    running_app: RunningApp,
) -> None:
    app = running_app
    # Two deals whose cards live in the same channel: top-level messages are nobody's.
    start_handoff(app, fields={})
    start_handoff(app, fields={}, id="006GLOBEX", name="Globex — Payroll")
    app.clock.advance(timedelta(seconds=5))  # the relay paces posts to a channel
    app.relay()
    cards = [m for m in app.cards() if m.get("blocks")]
    globex_ts = cards[1]["ts"]
    people = channel(app)
    people.say(DEAL_CHANNEL, CSM, SLACK_BUYER)
    people.say(DEAL_CHANNEL, CSM, SLACK_METRIC, thread_ts=globex_ts)
    settle_context(app)
    [stored] = sources(app)
    assert stored.segments[0]["text"] == SLACK_METRIC
    assert stored.handoff_id == app.rows_ids()[1]


@pytest.mark.team
def test_the_cs_channel_is_no_deals_channel_but_a_cards_thread_there_is(app: RunningApp) -> None:
    # An upcoming deal: its card is in the CS channel, the CRM named its own deal channel.
    start_handoff(app, fields={}, stage="Negotiation/Review")
    card_ts = next(m["ts"] for m in app.slack.messages(CS_CHANNEL) if m.get("blocks"))
    people = channel(app)
    people.say(CS_CHANNEL, CSM, "Team lunch on Friday?")
    people.say(CS_CHANNEL, CSM, SLACK_BUYER, thread_ts=card_ts)
    people.say(DEAL_CHANNEL, AE_ID, SLACK_METRIC)
    settle_context(app)
    assert sorted(s.segments[0]["text"] for s in sources(app)) == [SLACK_METRIC, SLACK_BUYER]


@pytest.mark.parametrize("extension", sorted(FORMATS))
def test_a_transcript_file_shared_in_the_channel_is_read(
    running_app: RunningApp, extension: str
) -> None:
    app = running_app
    start_handoff(app, fields={})
    name = f"acme-discovery-2026-11-20.{extension}"
    channel(app).share_file(DEAL_CHANNEL, AE_ID, name, FORMATS[extension]().encode())
    report = settle_context(app)
    assert (report.files_read, report.files_failed) == (1, 0)
    [call] = sources(app)
    assert (call.state, call.title, call.said_at.date().isoformat()) == (
        ContextState.READY,
        "acme discovery",
        "2026-11-20",
    )
    assert values(app, "primary_use_case") == [USE_CASE]
    # Downloaded with the bot token (the stand-in answers a sign-in page without it).
    [download] = app.slack.calls_to("file_download")
    assert "/download/" in download.args["path"]
    [told] = app.slack.calls_to("chat.postEphemeral")
    assert told.args["user"] == AE_ID and "read the call transcript" in told.args["text"]
    assert all(s.status is SuggestionStatus.PENDING for s in suggestions(app))


def test_a_transcript_is_read_at_once_even_while_the_conversation_settles(
    running_app: RunningApp,
) -> None:
    app = running_app
    start_handoff(app, fields={})
    # The file comes with a comment: a message whose reading waits for the burst to settle.
    channel(app).share_file(DEAL_CHANNEL, AE_ID, "call.vtt", FORMATS["vtt"]().encode(), text="Ours")
    app.executor.drain()
    report = app.runtime.context.run_once()  # no time passes
    assert (report.files_read, report.extracted) == (1, 1)
    assert values(app, "primary_use_case") == [USE_CASE]


def test_an_unreadable_file_is_recorded_and_its_sharer_told(running_app: RunningApp) -> None:
    app = running_app
    start_handoff(app, fields={})
    channel(app).share_file(DEAL_CHANNEL, AE_ID, "budget.json", b'{"q1": 1200}')
    report = settle_context(app)
    assert report.files_failed == 1
    [failed] = sources(app)
    assert failed.state is ContextState.FAILED and "segments" in (failed.error or "")
    [told] = app.slack.calls_to("chat.postEphemeral")
    assert "could not read `budget.json`" in told.args["text"]
    assert settle_context(app).files_failed == 0  # recorded once, not retried forever


def test_a_slack_outage_delays_a_download_and_loses_nothing(running_app: RunningApp) -> None:
    app = running_app
    start_handoff(app, fields={})
    app.slack.inject(Fault("status", method="files.info", status=503))
    channel(app).share_file(DEAL_CHANNEL, AE_ID, "call.vtt", FORMATS["vtt"]().encode())
    assert settle_context(app).retried == 1
    assert sources(app)[0].state is ContextState.DOWNLOADING
    app.clock.advance(timedelta(minutes=1))
    assert settle_context(app).files_read == 1
    assert values(app, "primary_use_case") == [USE_CASE]


@pytest.fixture
def silent_app(
    engine: Engine, slack: FakeSlack, clock: ManualClock, playbook: Playbook
) -> Iterator[RunningApp]:
    off = playbook.context.model_copy(
        update={"slack_messages": False, "transcript_files": False, "transcript_api": False}
    )
    app = start_app(engine, slack, clock, playbook.model_copy(update={"context": off}))
    yield app
    app.stop()  # type: ignore[attr-defined]


def test_nothing_is_stored_when_the_playbook_switches_the_sources_off(
    silent_app: RunningApp,
) -> None:
    app = silent_app
    start_handoff(app, fields={})
    people = channel(app)
    people.say(DEAL_CHANNEL, CSM, SLACK_METRIC)
    people.share_file(DEAL_CHANNEL, AE_ID, "call.vtt", FORMATS["vtt"]().encode())
    settle_context(app)
    assert sources(app) == [] and app.slack.calls_to("files.info") == []


def test_deliveries_racing_for_one_deal_queue_one_extraction(running_app: RunningApp) -> None:
    """Two messages of one deal stored at the same moment: the second waits for the first's
    commit and finds its pending extraction (on PostgreSQL a row lock; SQLite serialises
    writers). Made deterministic by holding the first transaction open."""
    app = running_app
    handoff_id = start_handoff(app, fields={})
    intake = app.runtime.services.channel
    second = ChannelMessage(channel=DEAL_CHANNEL, ts="1795424400.000200", user=CSM, text="Hi")
    with app.runtime.sessions.begin() as session:
        queue_extraction(session, handoff_id, app.clock.now())
        racer = threading.Thread(target=lambda: intake.record_message(message=second))
        racer.start()
        wait_until_blocked_or_done(app.runtime.engine, racer)
    racer.join()
    pending = [
        m
        for m in app.rows(OutboxMessage)
        if m.kind is OutboxKind.CONTEXT_EXTRACT and m.status is OutboxStatus.PENDING
    ]
    assert len(pending) == 1 and len(sources(app)) == 1


def wait_until_blocked_or_done(engine: Engine, thread: threading.Thread) -> None:
    """Until the thread finished, or (PostgreSQL) its transaction waits for our row lock."""
    if engine.dialect.name != "postgresql":
        thread.join(timeout=0.2)  # it waits on BEGIN IMMEDIATE until we commit
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND query LIKE '%FOR NO KEY UPDATE%'"
    )
    while thread.is_alive():
        with engine.connect() as connection:
            if connection.execute(waiting).scalar():
                return
        thread.join(timeout=0.01)
