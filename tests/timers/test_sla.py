"""The SLA clock on an injected clock: who is nudged, when, never twice; escalation at breach."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, time, timedelta

import pytest

import app as handoff_app
from bot.config.playbook import BusinessHours, Playbook
from bot.timers.sla import GLANCING_KINDS
from bot.timers.sweeper import DeadlineSweeper
from storage.enums import AuditAction, DeadlineKind, DeadlineStatus, OutboxKind
from storage.models import AuditEvent, Deadline, Handoff, OutboxMessage
from tests.conftest import AE_ID, RunningApp, make_settings
from tests.support.team import (
    COMPLETE,
    CS_CHANNEL,
    CSM,
    CSM_IN_GROUP,
    REVIEWER,
    start_handoff,
)

pytestmark = pytest.mark.team
ESCALATIONS = "C0ESCALATE"


@pytest.fixture
def playbook(playbook: Playbook) -> Playbook:
    team = playbook.model_copy(
        update={"team": playbook.team.model_copy(update={"reviewers": [REVIEWER, "@cs-team"]})}
    )
    return team.model_copy(
        update={"sla": team.sla.model_copy(update={"escalation_channel_id": ESCALATIONS})}
    )


@pytest.fixture
def app(app: RunningApp) -> RunningApp:
    app.slack.add_channel(ESCALATIONS, "cs-escalations")
    return app


def tick(app: RunningApp, hours: float = 0) -> int:
    app.clock.advance(timedelta(hours=hours))
    handled = app.runtime.sweeper.sweep()
    app.relay()
    return handled


def posts_to(app: RunningApp, channel: str) -> list[dict]:
    return [
        c.args
        for c in app.slack.calls_to("chat.postMessage")
        if c.ok and c.args.get("channel") == channel and not c.args.get("thread_ts")
    ]


def test_unclaimed_is_nudged_in_the_cs_channel_then_escalated_at_breach(app: RunningApp) -> None:
    start_handoff(app)
    assert tick(app, 23.9) == 0
    assert posts_to(app, CS_CHANNEL) == []

    assert tick(app, 0.2) == 1
    [nudge] = posts_to(app, CS_CHANNEL)
    assert "is waiting for a CSM to claim it" in nudge["text"]
    actions = [
        e["action_id"]
        for b in json.loads(json.dumps(nudge["blocks"]))
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert actions == ["claim", "nudge_snooze", "nudge_ack"]

    assert tick(app, 1) == 0  # nothing due: no repeat
    assert tick(app, 24) == 1
    [escalation] = posts_to(app, ESCALATIONS)
    assert escalation["text"].startswith(":rotating_light: *SLA breached:* *Acme — Platform*")
    card = json.dumps(app.cards()[0]["blocks"])
    assert "Breached" in card
    assert tick(app, 48) == 0 and len(posts_to(app, ESCALATIONS)) == 1
    assert len(posts_to(app, CS_CHANNEL)) == 1


def test_missing_fields_nudge_the_ae_by_dm(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    tick(app, 24)
    [dm] = posts_to(app, AE_ID)
    assert "required fields are missing" in dm["text"]
    assert "Missing: Decision-maker contacts, Promises made in the sale" in dm["text"]


def test_waiting_for_review_nudges_every_reviewer_including_groups(app: RunningApp) -> None:
    handoff_id = start_handoff(app, fields=COMPLETE)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    tick(app, 24)
    assert len(posts_to(app, REVIEWER)) == 1 and len(posts_to(app, CSM_IN_GROUP)) == 1
    nudged = [a for a in app.rows(AuditEvent) if a.action is AuditAction.NUDGED]
    assert len(nudged) == 1 and nudged[0].detail["blocker"] == "review"


def test_a_ready_handoff_is_never_nudged(app: RunningApp) -> None:
    handoff_id = start_handoff(app, fields=COMPLETE)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.submit(
        "handoff_ready",
        user=REVIEWER,
        handoff_id=handoff_id,
        values={
            "ready_confirm": {
                "type": "checkboxes",
                "selected_options": [{"value": "brief_reviewed"}],
            }
        },
    )
    app.settle()
    assert {d.status for d in app.rows(Deadline)} == {DeadlineStatus.CANCELLED}
    assert tick(app, 72) == 0
    assert not [
        r for r in app.rows(OutboxMessage) if r.kind in (OutboxKind.NUDGE, OutboxKind.ESCALATION)
    ]


def test_snooze_moves_the_nudge_a_business_day_and_ack_notes_it(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    tick(app, 24)
    app.click("nudge_snooze", user=CSM, handoff_id=handoff_id)
    assert "Snoozed. The next reminder comes" in app.ephemeral_texts()[-1]
    assert tick(app, 23) == 0
    assert tick(app, 1.1) == 2  # the snoozed nudge, and the breach that falls the same hour
    assert len(posts_to(app, CS_CHANNEL)) == 2
    app.click("nudge_ack", user=CSM, handoff_id=handoff_id)
    app.settle()
    assert app.thread()[-1]["text"] == f":thumbsup: <@{CSM}> is on it."


def test_at_most_one_nudge_a_business_day(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    tick(app, 24)
    app.click("nudge_snooze", user=CSM, handoff_id=handoff_id)
    app.executor.drain()
    # A second warn due the same day (e.g. another snooze path) is swallowed by the daily cap.
    with app.runtime.sessions.begin() as session:
        session.add(
            Deadline(
                handoff_id=handoff_id,
                kind="sla_warn",
                due_at=app.clock.now(),
                status=DeadlineStatus.PENDING,
                attempts=0,
                payload={},
            )
        )
    assert tick(app) == 1
    assert len(posts_to(app, CS_CHANNEL)) == 1


def test_two_warnings_of_one_handoff_in_one_batch_nudge_once(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    with app.runtime.sessions.begin() as session:
        [warn] = session.query(Deadline).filter_by(handoff_id=handoff_id, kind="sla_warn").all()
        session.add(
            Deadline(
                handoff_id=handoff_id,
                kind="sla_warn",
                due_at=warn.due_at,
                status=DeadlineStatus.PENDING,
                attempts=0,
                payload={},
            )
        )
    assert tick(app, 24) == 2  # one batch: the second reads the day the first recorded
    assert len(posts_to(app, CS_CHANNEL)) == 1
    [nudge] = [a for a in app.rows(AuditEvent) if a.action is AuditAction.NUDGED]
    [handoff] = app.rows(Handoff)
    assert handoff.nudged_on == {"sla_warn": nudge.detail["day"]}
    assert tick(app, 1) == 0


def test_a_deadline_due_during_downtime_fires_once_after_restart(app: RunningApp) -> None:
    start_handoff(app)
    app.clock.advance(timedelta(hours=30))  # the app was down across the warn mark
    restarted = handoff_app.build_runtime(
        make_settings(app.slack),
        playbook=app.runtime.playbook,
        clock=app.clock,
        engine=app.runtime.engine,
    )
    assert restarted.sweeper.sweep() == 1
    assert restarted.sweeper.sweep() == 0
    restarted.relay.run_once()
    assert len(posts_to(app, CS_CHANNEL)) == 1


def test_two_sweepers_on_one_database_fire_each_deadline_once(app: RunningApp) -> None:
    for n in range(20):
        start_handoff(
            app, id=f"006SWEEP{n:010d}", account_name=f"Account {n}", slack_channel_id=None
        )
    other = handoff_app.build_runtime(
        make_settings(app.slack),
        playbook=app.runtime.playbook,
        clock=app.clock,
        engine=app.runtime.engine,
    )
    app.clock.advance(timedelta(hours=24))
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def sweep(sweeper) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        counts.append(sweeper.sweep())

    threads = [
        threading.Thread(target=sweep, args=(s,)) for s in (app.runtime.sweeper, other.sweeper)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 20
    nudges = [r for r in app.rows(OutboxMessage) if r.kind is OutboxKind.NUDGE]
    assert len(nudges) == 20 and len({r.handoff_id for r in nudges}) == 20


def failing_on(app: RunningApp, handoff_id: int | None, error: BaseException) -> DeadlineSweeper:
    """A sweeper whose warn handler fails (or the process dies) on one handoff, or on the
    first deadline it handles (``None``)."""

    def on_warn(session, deadline) -> None:  # type: ignore[no-untyped-def]
        if handoff_id is None or deadline.handoff_id == handoff_id:
            raise error
        app.runtime.services.sla.on_warn(session, deadline)

    return DeadlineSweeper(
        sessions=app.runtime.sessions,
        clock=app.clock,
        handlers={DeadlineKind.SLA_WARN: on_warn},
        glancing=GLANCING_KINDS,
        batch_size=4,
    )


def start_six(app: RunningApp) -> list[int]:
    return [
        start_handoff(app, id=f"006BATCH{n:06d}", account_name=f"Batch {n}", slack_channel_id=None)
        for n in range(6)
    ]


def nudged(app: RunningApp) -> list[int]:
    return sorted(r.handoff_id for r in app.rows(OutboxMessage) if r.kind is OutboxKind.NUDGE)


def test_a_failing_deadline_is_retried_alone_and_the_rest_of_its_batch_fires(
    app: RunningApp,
) -> None:
    ids = start_six(app)
    app.clock.advance(timedelta(hours=24))
    assert failing_on(app, ids[2], RuntimeError("boom")).sweep() == 5
    assert nudged(app) == sorted(set(ids) - {ids[2]})
    audited = [r.handoff_id for r in app.rows(AuditEvent) if r.action is AuditAction.NUDGED]
    assert sorted(audited) == nudged(app)
    failed = [d for d in app.rows(Deadline) if d.handoff_id == ids[2] and d.kind == "sla_warn"]
    assert [(d.status, d.attempts) for d in failed] == [(DeadlineStatus.PENDING, 1)]
    assert tick(app) == 0  # not before its retry time
    assert tick(app, 0.1) == 1
    assert nudged(app) == sorted(ids)


def test_a_crash_mid_sweep_loses_nothing_and_sends_nothing_twice(app: RunningApp) -> None:
    ids = start_six(app)
    app.clock.advance(timedelta(hours=24))
    # The process dies while handling its first batch (whichever deadlines it claimed: equal
    # due times come in no fixed order).
    with pytest.raises(SystemExit):
        failing_on(app, None, SystemExit(1)).sweep()
    assert nudged(app) == []
    assert tick(app) == 2  # the two the dead sweeper never claimed
    assert tick(app, 0.1) == 4  # its claims expire and are taken over
    assert nudged(app) == sorted(ids)
    assert tick(app, 1) == 0


def test_business_hours_count_only_working_time(app: RunningApp, playbook: Playbook) -> None:
    hours = BusinessHours(time_zone="UTC", start=time(9), end=time(17), holidays="US")
    working = playbook.model_copy(update={"business_hours": hours})
    friday_afternoon = datetime(2026, 11, 20, 15, tzinfo=UTC)
    app.clock.set(friday_afternoon)
    runtime = handoff_app.build_runtime(
        make_settings(app.slack), playbook=working, clock=app.clock, engine=app.runtime.engine
    )
    from bot.crm.webhook.events import parse_event
    from tests.support.events import deal_event

    runtime.intake.ingest_deal_event(
        event=parse_event(json.dumps(deal_event(occurred_at=friday_afternoon)).encode(), working)
    )
    [handoff] = app.rows(Handoff)
    # 24 working hours from Fri 15:00: Fri 2 h, Mon 8 h, Tue 8 h, Wed 6 h → Wed 15:00;
    # 24 more: Wed 2 h, Thanksgiving (Thu 26 Nov) skipped, Fri 8 h, Mon 8 h, Tue 6 h → Tue 15:00.
    assert handoff.sla_warn_at == datetime(2026, 11, 25, 15, tzinfo=UTC)
    assert handoff.sla_due_at == datetime(2026, 12, 1, 15, tzinfo=UTC)


def test_dms_wait_for_the_recipients_working_hours(app: RunningApp, playbook: Playbook) -> None:
    hours = BusinessHours(time_zone="UTC", start=time(9), end=time(17))
    working = playbook.model_copy(update={"business_hours": hours})
    app.slack.add_user(AE_ID, email="dana@acme-vendor.example", name="Dana", tz="Asia/Tokyo")
    runtime = handoff_app.build_runtime(
        make_settings(app.slack), playbook=working, clock=app.clock, engine=app.runtime.engine
    )
    handoff_id = start_handoff(app)
    with runtime.sessions.begin() as session:
        session.add(
            OutboxMessage(
                kind=OutboxKind.NUDGE,
                handoff_id=handoff_id,
                payload={"blocker": "fields", "to": AE_ID, "kind": "sla_warn"},
                status="pending",
                attempts=0,
                next_attempt_at=app.clock.now(),
                created_at=app.clock.now(),
            )
        )
    app.clock.set(datetime(2026, 11, 24, 12, tzinfo=UTC))  # 21:00 in Tokyo
    runtime.relay.run_once()
    assert posts_to(app, AE_ID) == []
    app.clock.set(datetime(2026, 11, 25, 0, 1, tzinfo=UTC))  # 09:01 in Tokyo
    runtime.relay.run_once()
    assert len(posts_to(app, AE_ID)) == 1
