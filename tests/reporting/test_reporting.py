"""Weekly KPIs (with a chart), /handoff report, and the quarterly audit sample."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

import app as handoff_app
from bot.config.playbook import Playbook
from bot.reporting.kpis import compute
from storage.enums import OutboxKind
from storage.models import OutboxMessage
from tests.conftest import RunningApp, make_settings
from tests.support.team import COMPLETE, CSM, REVIEWER, start_handoff

pytestmark = pytest.mark.team
LEADERS, REVOPS = "C0LEADERS", "C0REVOPS1"
MONDAY = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture
def playbook(playbook: Playbook) -> Playbook:
    team = playbook
    reporting = team.reporting.model_copy(
        update={"channel_id": LEADERS, "audit_channel_id": REVOPS, "audit_sample_size": 2}
    )
    return team.model_copy(update={"reporting": reporting})


@pytest.fixture
def app(app: RunningApp) -> RunningApp:
    app.slack.add_channel(LEADERS, "cs-leadership")
    app.slack.add_channel(REVOPS, "revops")
    return app


def finished_week(app: RunningApp) -> None:
    """Last week: three handoffs; one complete at trigger, claimed in 2 h and ready in 5 h."""
    app.clock.set(MONDAY - timedelta(days=7))
    fast = start_handoff(app, fields=COMPLETE, id="006FAST0000000001", account_name="Fast")
    start_handoff(app, id="006SLOW0000000002", account_name="Slow")
    start_handoff(app, id="006IDLE0000000003", account_name="Idle")
    app.clock.advance(timedelta(hours=2))
    app.click("claim", user=CSM, handoff_id=fast)
    app.settle()
    app.clock.advance(timedelta(hours=3))
    app.submit(
        "handoff_ready",
        user=REVIEWER,
        handoff_id=fast,
        values={
            "ready_confirm": {
                "type": "checkboxes",
                "selected_options": [{"value": "brief_reviewed"}],
            }
        },
    )
    app.settle()


def test_kpis_of_a_week(app: RunningApp) -> None:
    finished_week(app)
    app.clock.set(MONDAY)
    report = compute(
        app.runtime.sessions, app.runtime.playbook, week_start=MONDAY - timedelta(days=7)
    )
    week = report.this_week
    assert week.started == 3
    assert week.median_hours_to_claim == 2
    assert week.median_hours_to_ready == 5
    assert week.complete_at_trigger == pytest.approx(1 / 3)
    assert week.sla_hit_rate is not None and week.sla_hit_rate == pytest.approx(1 / 3)
    assert report.previous_four.started == 0
    assert [start for start, _ in report.history][-1] == MONDAY - timedelta(days=7)


def test_the_weekly_report_goes_out_once_with_its_chart(app: RunningApp) -> None:
    finished_week(app)
    app.clock.set(MONDAY - timedelta(minutes=1))
    assert OutboxKind.WEEKLY_REPORT not in app.runtime.reports.tick()
    app.clock.set(MONDAY + timedelta(minutes=1))
    assert OutboxKind.WEEKLY_REPORT in app.runtime.reports.tick()
    replica = handoff_app.build_runtime(
        make_settings(app.slack),
        playbook=app.runtime.playbook,
        clock=app.clock,
        engine=app.runtime.engine,
    )
    assert OutboxKind.WEEKLY_REPORT not in replica.reports.tick()
    assert OutboxKind.WEEKLY_REPORT not in app.runtime.reports.tick()
    app.relay()
    [report] = [
        c.args
        for c in app.slack.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == LEADERS
    ]
    text = json.dumps(report["blocks"], ensure_ascii=False)
    assert "Handoff KPIs — week of 16 Nov 2026" in text
    assert "*Handoffs started*: 3" in text and "*Median time to claim*: 2 h" in text
    [chart] = [u for u in app.slack.uploads() if u["channel"] == LEADERS]
    assert chart["name"] == "handoff-kpis.png" and chart["content"].startswith(b"\x89PNG")
    assert len([r for r in app.rows(OutboxMessage) if r.kind is OutboxKind.WEEKLY_REPORT]) == 1


def test_handoff_report_sends_the_report_to_your_dm(app: RunningApp) -> None:
    finished_week(app)
    app.clock.set(MONDAY + timedelta(hours=2))
    reply = app.command("report", user=CSM)
    assert reply.status == 200
    assert "on its way to your DM" in app.ephemeral_texts()[-1]
    app.relay()
    assert any(
        c.ok and c.args["channel"] == CSM and "Handoff KPIs" in str(c.args.get("text"))
        for c in app.slack.calls_to("chat.postMessage")
    )
    assert any(
        u["channel"] == f"D{CSM}" and u["content"].startswith(b"\x89PNG")
        for u in app.slack.uploads()
    )


def test_quarterly_audit_sample(app: RunningApp) -> None:
    app.clock.set(datetime(2026, 9, 10, 9, tzinfo=UTC))
    for n in range(4):
        start_handoff(app, id=f"006Q3{n:013d}", account_name=f"Q3 {n}", slack_channel_id=None)
    app.clock.set(datetime(2026, 10, 1, 0, 5, tzinfo=UTC))
    assert OutboxKind.AUDIT_SAMPLE in app.runtime.reports.tick()
    assert OutboxKind.AUDIT_SAMPLE not in app.runtime.reports.tick()
    app.relay()
    [audit] = [
        c.args
        for c in app.slack.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == REVOPS
    ]
    text = json.dumps(audit["blocks"], ensure_ascii=False)
    assert "Quarterly handoff audit — Jul – Sep 2026" in text
    assert "A random sample of 2 handoffs" in text and "Reviewer flag" in text
    assert text.count("*Acme — Platform*") == 2


def test_field_accuracy_counts_the_csms_ratings_but_not_fields_they_did_not_need(
    running_app: RunningApp,
) -> None:
    handoff_id = start_handoff(running_app, fields=COMPLETE)
    with running_app.runtime.sessions.begin() as session:
        from storage.models import Handoff

        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        handoff.feedback_at = MONDAY - timedelta(days=3)
        handoff.feedback = {
            "accuracy": {
                "primary_use_case": "accurate",
                "success_metrics": "inaccurate",
                "risks": "unused",
                "promises_made": "something a future version wrote",
            }
        }
    report = compute(
        running_app.runtime.sessions, running_app.runtime.playbook, week_start=MONDAY - timedelta(7)
    )
    assert report.this_week.field_accuracy == {"Primary use case": 1.0, "Success metrics": 0.0}
