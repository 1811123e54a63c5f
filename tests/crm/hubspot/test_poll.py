"""The HubSpot poll: watched stages changed since a stored cursor, oldest first, paged with
``after``, past the 10,000-result window, one call when idle, resumed after a restart."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.config.playbook import Playbook
from bot.crm.hubspot import client as client_module
from bot.crm.hubspot.reader import CURSOR, OVERLAP
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from storage.enums import HandoffStatus
from storage.models import CrmCursor, Handoff
from tests.conftest import RunningApp, start_app
from tests.crm.hubspot.conftest import CUSTOM_PIPELINE, Portal, hubspot_settings, poll
from tests.support import fake_hubspot_routes
from tests.support.team import CS_CHANNEL

SEARCH = "/crm/v3/objects/deals/search"
LINKS = "/crm/v4/associations/deals/companies/batch/read"
COMPANIES = "/crm/v3/objects/companies/batch/read"


def test_first_start_reads_from_the_moment_of_connection(app: RunningApp, hubspot: Portal) -> None:
    hubspot.won(dealname="Won last week", modified_at=app.clock.now() - timedelta(days=7))
    hubspot.won(dealname="Won an hour ago", modified_at=app.clock.now() - timedelta(hours=1))
    assert poll(app) == 0
    [cursor] = app.rows_of(CrmCursor)
    assert (cursor.name, cursor.position) == (CURSOR, app.clock.now())

    app.clock.advance(timedelta(minutes=5))
    hubspot.won(dealname="Won after connecting")
    assert poll(app) == 1
    assert [h.deal_name for h in app.rows(Handoff)] == ["Won after connecting"]


def test_a_backfill_date_brings_the_deals_changed_since(
    engine: Engine, slack: FakeSlack, clock: ManualClock, playbook: Playbook, hubspot: Portal
) -> None:
    hubspot.won(dealname="Won last week", modified_at=clock.now() - timedelta(days=7))
    hubspot.won(dealname="Won yesterday", modified_at=clock.now() - timedelta(days=1))
    since = (clock.now() - timedelta(days=2)).date()
    settings = hubspot_settings(hubspot.fake, crm_backfill_from=since)
    app = start_app(engine, slack, clock, playbook, settings=settings)
    try:
        assert poll(app) == 1
        assert [h.deal_name for h in app.rows(Handoff)] == ["Won yesterday"]
    finally:
        app.stop()  # type: ignore[attr-defined]


def test_an_idle_poll_is_one_call_and_a_restart_resumes(
    app: RunningApp,
    hubspot: Portal,
    engine: Engine,
    slack: FakeSlack,
    clock: ManualClock,
    playbook: Playbook,
) -> None:
    poll(app)  # connects: the cursor is now
    hubspot.won(dealname="First")
    assert poll(app) == 1
    before = len(hubspot.fake.calls)
    assert poll(app) == 0  # "First" is inside the overlap: found again, known, not re-read
    assert len(hubspot.fake.calls) - before == 1
    assert hubspot.fake.calls[-1].path == SEARCH

    app.stop()  # type: ignore[attr-defined]
    clock.advance(timedelta(hours=3))
    hubspot.won(dealname="Second")
    restarted = start_app(engine, slack, clock, playbook, settings=hubspot_settings(hubspot.fake))
    try:
        assert poll(restarted) == 1
        assert [h.deal_name for h in restarted.rows(Handoff)] == ["First", "Second"]
        [search] = hubspot.fake.calls_to(SEARCH)[-1:]
        since = int(search.body["filterGroups"][0]["filters"][1]["value"])
        first = restarted.rows(Handoff)[0].last_event_at
        assert since == int((first - OVERLAP).timestamp() * 1000)  # resumed, not restarted
    finally:
        restarted.stop()  # type: ignore[attr-defined]
        app.stop = lambda: None  # type: ignore[attr-defined]


def test_pages_of_100_oldest_first_one_read_per_page_for_companies(
    app: RunningApp, hubspot: Portal
) -> None:
    poll(app)
    ids = [hubspot.won(dealname=f"Deal {n:03}") for n in range(250)]
    hubspot.won(stage="appointmentscheduled", dealname="Not watched")
    hubspot.fake.calls.clear()
    assert poll(app) == 250
    searches = hubspot.fake.calls_to(SEARCH)
    assert [c.body.get("after") for c in searches] == [None, "100", "200"]
    assert searches[0].body["sorts"] == [
        {"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}
    ]
    assert len(hubspot.fake.calls_to(LINKS)) == 3 and len(hubspot.fake.calls_to(COMPANIES)) == 3
    assert [h.deal_id for h in app.rows(Handoff)] == ids  # applied oldest first


def test_past_the_search_window_the_cursor_moves_on(
    app: RunningApp, hubspot: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    # HubSpot stops at 10,000 results; the same rule at 200 keeps the test small.
    monkeypatch.setattr(client_module, "SEARCH_WINDOW", 200)
    monkeypatch.setattr(fake_hubspot_routes, "SEARCH_WINDOW", 200)
    poll(app)
    for n in range(450):
        hubspot.won(dealname=f"Deal {n:03}")
    assert poll(app) == 450
    searches = hubspot.fake.calls_to(SEARCH)[1:]
    afters = [c.body.get("after") for c in searches]
    # 200 results, then 200 from the last time seen (it again among them), then the rest.
    assert afters == [None, "100", None, "100", None]
    assert len({h.deal_id for h in app.rows(Handoff)}) == 450


def test_a_custom_pipeline_by_its_numeric_stage_ids(app: RunningApp, hubspot: Portal) -> None:
    poll(app)
    deal_id = hubspot.won(pipeline=CUSTOM_PIPELINE, stage="7001003", dealname="Globex — Payroll")
    assert poll(app) == 1
    [handoff] = app.rows(Handoff)
    assert handoff.stage == "Signed" and handoff.status is HandoffStatus.HELD
    hubspot.fake.update_deal(deal_id, dealstage="7001004")
    poll(app)
    [handoff] = app.rows(Handoff)
    assert handoff.stage == "Walked away" and handoff.status is HandoffStatus.CANCELLED


def test_a_pre_close_deal_is_introduced_then_starts_when_won(
    app: RunningApp, hubspot: Portal
) -> None:
    poll(app)
    deal_id = hubspot.won(stage="contractsent")
    poll(app)
    app.relay()
    [handoff] = app.rows(Handoff)
    assert handoff.status is HandoffStatus.UPCOMING
    assert "Upcoming" in json.dumps(app.cards(CS_CHANNEL)[0]["blocks"])
    hubspot.fake.update_deal(deal_id, dealstage="closedwon")
    poll(app)
    [handoff] = app.rows(Handoff)
    assert handoff.status is HandoffStatus.HELD and handoff.triggered_at is not None


def test_a_rate_limited_search_waits_for_hubspots_window(app: RunningApp, hubspot: Portal) -> None:
    poll(app)
    hubspot.won()
    hubspot.fake.fail_next(429, headers={"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"})
    assert poll(app) == 0
    calls = len(hubspot.fake.calls)
    assert poll(app) == 0 and len(hubspot.fake.calls) == calls  # paused: nothing sent
    app.clock.advance(timedelta(seconds=10))
    assert poll(app) == 1
