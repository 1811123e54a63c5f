"""Write-back to HubSpot through the outbox: 100 deals a call, changes made in HubSpot itself
written back too, and each kind of refusal handled as HubSpot means it."""

from __future__ import annotations

from datetime import timedelta

from storage.enums import OutboxKind, OutboxStatus
from storage.models import Handoff, OutboxMessage
from tests.conftest import RunningApp
from tests.crm.hubspot.conftest import Portal, deal, poll, write_back
from tests.support.team import ADMIN

UPDATE = "/crm/v3/objects/deals/batch/update"


def started(app: RunningApp, hubspot: Portal, count: int = 1) -> list[str]:
    poll(app)
    ids = [hubspot.won(dealname=f"Deal {n}") for n in range(count)]
    assert poll(app) == count
    app.relay()
    return ids


def write_rows(app: RunningApp) -> list[OutboxMessage]:
    return [r for r in app.rows(OutboxMessage) if r.kind is OutboxKind.CRM_WRITE_BACK]


def test_pending_writes_go_100_deals_to_a_call(app: RunningApp, hubspot: Portal) -> None:
    ids = started(app, hubspot, 150)
    report = write_back(app)
    assert report.outbox_done == 150
    assert [len(c.body["inputs"]) for c in hubspot.fake.calls_to(UPDATE)] == [100, 50]
    assert all(deal(hubspot, i)["handoff_status"] == "Held" for i in ids)


def test_a_change_made_in_hubspot_is_written_back(app: RunningApp, hubspot: Portal) -> None:
    [deal_id] = started(app, hubspot)
    write_back(app)
    assert deal(hubspot, deal_id)["handoff_status"] == "Held"
    # The AE fills the missing required fields in HubSpot, not in Slack.
    hubspot.fake.update_deal(
        deal_id,
        handoff_success_metrics="DSO −10 days",
        handoff_decision_makers="Priya Shah (CFO)",
        handoff_promises="SSO in month one",
    )
    app.clock.advance(timedelta(minutes=1))
    poll(app)
    assert app.rows(Handoff)[0].status.value == "open"
    write_back(app)
    assert deal(hubspot, deal_id)["handoff_status"] == "Open"
    # Reading our own write-back again changes nothing and writes nothing.
    app.clock.advance(timedelta(minutes=1))
    poll(app)
    assert write_back(app).outbox_done == 0


def test_a_lost_deal_is_written_back_closed(app: RunningApp, hubspot: Portal) -> None:
    [deal_id] = started(app, hubspot)
    hubspot.fake.update_deal(deal_id, dealstage="closedlost")
    poll(app)
    write_back(app)
    assert deal(hubspot, deal_id)["handoff_status"] == "Closed"


def test_429_waits_for_hubspots_window_and_loses_nothing(app: RunningApp, hubspot: Portal) -> None:
    [deal_id] = started(app, hubspot)
    hubspot.fake.fail_next(429, headers={"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"})
    assert write_back(app).deferred == 1
    sent = len(hubspot.fake.calls)
    assert write_back(app).outbox_done == 0 and len(hubspot.fake.calls) == sent
    app.clock.advance(timedelta(seconds=10))
    assert write_back(app).outbox_done == 1
    assert deal(hubspot, deal_id)["handoff_status"] == "Held"


def test_429_on_the_daily_limit_waits_an_hour(app: RunningApp, hubspot: Portal) -> None:
    started(app, hubspot)
    hubspot.fake.fail_next(429, body={"status": "error", "policyName": "DAILY", "message": "x"})
    write_back(app)
    app.clock.advance(timedelta(minutes=59))
    assert write_back(app).outbox_done == 0
    app.clock.advance(timedelta(minutes=2))
    assert write_back(app).outbox_done == 1


def test_a_server_error_backs_off_then_goes_through(app: RunningApp, hubspot: Portal) -> None:
    [deal_id] = started(app, hubspot)
    hubspot.fake.fail_next(502)
    assert write_back(app).deferred == 1
    [row] = write_rows(app)
    assert row.status is OutboxStatus.PENDING and row.next_attempt_at > app.clock.now()
    assert write_back(app).outbox_done == 0  # not due yet
    app.clock.advance(timedelta(seconds=3))
    assert write_back(app).outbox_done == 1
    assert deal(hubspot, deal_id)["handoff_status"] == "Held"


def test_a_validation_error_tells_the_admins_once_and_is_not_retried(
    app: RunningApp, hubspot: Portal
) -> None:
    started(app, hubspot, 2)
    spec = hubspot.fake.deal_properties["handoff_status"]
    spec["options"] = [o for o in spec["options"] if o["value"] != "Held"]
    report = write_back(app)
    assert report.failed == 2 and "handoff_status" in report.errors[0]
    assert len(hubspot.fake.calls_to(UPDATE)) == 1  # one property at fault: no splitting
    assert {r.status for r in write_rows(app)} == {OutboxStatus.FAILED}
    app.relay()
    [dm] = app.dms(ADMIN)
    assert "HubSpot refused" in dm and "handoff_status" in dm and "not be retried" in dm
    app.clock.advance(timedelta(hours=2))
    assert write_back(app).failed == 0 and len(hubspot.fake.calls_to(UPDATE)) == 1


def test_a_deal_deleted_in_hubspot_fails_alone(app: RunningApp, hubspot: Portal) -> None:
    ids = started(app, hubspot, 3)
    hubspot.fake.delete_deal(ids[1])
    report = write_back(app)
    assert (report.outbox_done, report.failed) == (2, 1)
    assert deal(hubspot, ids[0])["handoff_status"] == deal(hubspot, ids[2])["handoff_status"]
    deals = {h.id: h.deal_id for h in app.rows(Handoff)}
    failed = [deals[r.handoff_id] for r in write_rows(app) if r.status is OutboxStatus.FAILED]
    assert failed == [ids[1]]


def test_a_revoked_token_tells_the_admins_and_keeps_the_work(
    app: RunningApp, hubspot: Portal
) -> None:
    [deal_id] = started(app, hubspot)
    hubspot.fake.fail_next(401)
    assert write_back(app).deferred == 1
    app.relay()
    [dm] = app.dms(ADMIN)
    assert "revoked" in dm and "HUBSPOT_ACCESS_TOKEN" in dm
    [row] = write_rows(app)
    assert row.status is OutboxStatus.PENDING
    assert row.next_attempt_at >= app.clock.now() + timedelta(hours=1)
    app.clock.advance(timedelta(hours=1, minutes=1))
    assert write_back(app).outbox_done == 1
    assert deal(hubspot, deal_id)["handoff_status"] == "Held"


def test_healthz_shows_hubspots_daily_usage(app: RunningApp, hubspot: Portal) -> None:
    import requests

    started(app, hubspot)
    write_back(app)
    session = requests.Session()
    session.trust_env = False
    health = session.get(app.url + "/healthz", timeout=5).json()
    assert health["hubspot_api_usage"] == f"{hubspot.fake.daily_used}/250000"
