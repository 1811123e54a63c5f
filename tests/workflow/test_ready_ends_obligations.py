"""Marking a handoff ready (or losing the deal) ends its timed obligations: nothing stays due."""

from __future__ import annotations

import pytest

from storage.enums import DeadlineKind, DeadlineStatus, HandoffStatus
from storage.models import Deadline, Handoff
from tests.conftest import RunningApp
from tests.support.events import deal_event
from tests.support.team import CSM, REVIEWER, start_handoff

pytestmark = pytest.mark.team


def pending(app: RunningApp) -> list[DeadlineKind]:
    return sorted(d.kind for d in app.rows(Deadline) if d.status is DeadlineStatus.PENDING)


def test_ready_after_an_exception_leaves_no_deadline_pending(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.submit(
        "handoff_exception",
        user=REVIEWER,
        handoff_id=handoff_id,
        values={
            "exception_reason": {"type": "plain_text_input", "value": "Kickoff in two days"},
            "exception_until": {"type": "datepicker", "selected_date": "2026-12-01"},
        },
    )
    app.settle()
    assert pending(app) == sorted(
        [DeadlineKind.SLA_WARN, DeadlineKind.SLA_BREACH, DeadlineKind.EXCEPTION_EXPIRY]
    )
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
    assert app.rows(Handoff)[0].status is HandoffStatus.READY
    assert pending(app) == []


def test_a_lost_deal_leaves_no_deadline_pending(app: RunningApp) -> None:
    start_handoff(app)
    app.send(deal_event("evt_lost", occurred_at=app.clock.now(), stage="Closed Lost"))
    assert app.rows(Handoff)[0].status is HandoffStatus.CANCELLED
    assert pending(app) == []
