"""POST /crm/hubspot/webhooks on the running app: signed batches in, stored before 2xx, each
deal read back through the API off the request path; anything wrong stores nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from storage.enums import OutboxKind
from storage.models import Handoff, InboxEvent, OutboxMessage
from tests.conftest import AE_ID, RunningApp
from tests.crm.hubspot.conftest import Portal, read_back
from tests.support.hubspot_webhooks import post_webhook, stage_change

DEALS_READ = "/crm/v3/objects/deals/batch/read"


def reads_queued(app: RunningApp) -> list[OutboxMessage]:
    return [r for r in app.rows(OutboxMessage) if r.kind is OutboxKind.CRM_REFRESH]


def test_a_signed_stage_change_is_stored_then_the_deal_is_read_back_into_a_card(
    app: RunningApp, hubspot: Portal
) -> None:
    deal_id = hubspot.won()
    reply = post_webhook(
        app.url, [stage_change(1, deal_id, at=app.clock.now())], at=app.clock.now()
    )
    assert reply.status == 200, reply.body
    assert reply.body == {"ok": True, "events": 1, "new": 1, "read_back": 1}
    # Stored before the answer; nothing read from HubSpot on the request path.
    [event] = app.rows(InboxEvent)
    assert (event.source, event.external_id, event.outcome) == ("hubspot", "event:1", "read_back")
    assert app.rows(Handoff) == [] and hubspot.fake.calls == []
    [queued] = reads_queued(app)
    assert queued.payload == {"deal_id": deal_id} and queued.crm == "hubspot"

    assert read_back(app).outbox_done == 1
    [handoff] = app.rows(Handoff)
    assert (handoff.crm, handoff.deal_id, handoff.deal_name) == (
        "hubspot",
        deal_id,
        "Acme — Platform",
    )
    assert handoff.account_name == "Acme Corp" and handoff.amount == 120000
    assert handoff.stage == "Closed Won"  # the stage's label, from the pipelines API
    assert (
        handoff.deal_url
        == f"https://app.hubspot.com/contacts/{hubspot.fake.portal_id}/record/0-3/{deal_id}"
    )
    app.relay()
    [card] = app.cards(app.rows(Handoff)[0].channel_id or "")
    text = json.dumps(card["blocks"], ensure_ascii=False)
    assert "Acme — Platform" in text and f"<@{AE_ID}>" in text and "(1/4)" in text


def test_a_redelivered_batch_stores_and_reads_nothing_more(
    app: RunningApp, hubspot: Portal
) -> None:
    deal_id = hubspot.won()
    batch = [
        stage_change(7, deal_id, at=app.clock.now()),
        stage_change(8, deal_id, at=app.clock.now()),
    ]
    first = post_webhook(app.url, batch, at=app.clock.now())
    assert first.body["new"] == 2 and first.body["read_back"] == 1  # one read per deal
    again = post_webhook(app.url, batch, at=app.clock.now())
    assert again.status == 200 and again.body["new"] == 0 and again.body["read_back"] == 0
    assert len(app.rows(InboxEvent)) == 2 and len(reads_queued(app)) == 1
    read_back(app)
    post_webhook(app.url, batch, at=app.clock.now())
    assert read_back(app).outbox_done == 0  # nothing queued by the third copy
    app.relay()
    assert len(app.rows(Handoff)) == 1
    assert len(app.cards(app.rows(Handoff)[0].channel_id or "")) == 1
    assert len(hubspot.fake.calls_to(DEALS_READ)) == 1


def test_the_same_version_seen_twice_is_applied_once_and_read_once(
    app: RunningApp, hubspot: Portal
) -> None:
    deal_id = hubspot.won()
    post_webhook(app.url, [stage_change(1, deal_id, at=app.clock.now())], at=app.clock.now())
    read_back(app)
    # A later notification for an unchanged deal: read, found to be the version applied.
    post_webhook(app.url, [stage_change(2, deal_id, at=app.clock.now())], at=app.clock.now())
    read_back(app)
    assert len(hubspot.fake.calls_to(DEALS_READ)) == 2
    assert len(hubspot.fake.calls_to("/crm/v4/associations/deals/companies/batch/read")) == 1
    assert len(app.rows(Handoff)) == 1


def test_only_what_the_api_confirms_starts_a_handoff(app: RunningApp, hubspot: Portal) -> None:
    # The notification says closed won, but the deal was moved back before it was read.
    deal_id = hubspot.won(stage="qualifiedtobuy")
    post_webhook(app.url, [stage_change(1, deal_id, at=app.clock.now())], at=app.clock.now())
    read_back(app)
    assert app.rows(Handoff) == []
    [ignored] = [e for e in app.rows(InboxEvent) if e.external_id.startswith(deal_id)]
    assert ignored.outcome == "ignored"


def test_other_property_changes_are_read_only_for_deals_with_a_handoff(
    app: RunningApp, hubspot: Portal
) -> None:
    stranger = hubspot.won(dealname="Old deal")
    change = stage_change(1, stranger, at=app.clock.now(), prop="amount", stage="5")
    reply = post_webhook(app.url, [change], at=app.clock.now())
    assert reply.body["read_back"] == 0 and app.rows(InboxEvent)[0].outcome == "ignored"

    deal_id = hubspot.won()
    post_webhook(app.url, [stage_change(2, deal_id, at=app.clock.now())], at=app.clock.now())
    read_back(app)
    hubspot.fake.update_deal(deal_id, amount="99000")
    change = stage_change(3, deal_id, at=app.clock.now(), prop="amount", stage="99000")
    assert post_webhook(app.url, [change], at=app.clock.now()).body["read_back"] == 1
    # Handoff's own write-back changes the deal too: no read for that.
    ours = stage_change(4, deal_id, at=app.clock.now(), prop="handoff_status", stage="Held")
    assert post_webhook(app.url, [ours], at=app.clock.now()).body["read_back"] == 0
    read_back(app)
    assert app.rows(Handoff)[0].amount == 99000


def test_deletions_and_other_objects_are_recorded_not_read(
    app: RunningApp, hubspot: Portal
) -> None:
    deal_id = hubspot.won()
    batch = [
        {**stage_change(1, deal_id, at=app.clock.now(), kind="deal.deletion")},
        {**stage_change(2, deal_id, at=app.clock.now(), kind="contact.creation"), "objectId": 9},
        stage_change(3, deal_id, at=app.clock.now()),
    ]
    del batch[0]["objectId"]  # whatever a deletion carries, it cannot refuse the batch
    reply = post_webhook(app.url, batch, at=app.clock.now())
    assert reply.status == 200 and reply.body["new"] == 3 and reply.body["read_back"] == 1
    outcomes = {e.external_id: e.outcome for e in app.rows(InboxEvent)}
    assert outcomes == {"event:1": "ignored", "event:2": "ignored", "event:3": "read_back"}


def test_a_move_to_a_stage_not_watched_reads_nothing_unless_a_handoff_exists(
    app: RunningApp, hubspot: Portal
) -> None:
    early = hubspot.won(stage="qualifiedtobuy")
    move = stage_change(1, early, at=app.clock.now(), stage="qualifiedtobuy")
    assert post_webhook(app.url, [move], at=app.clock.now()).body["read_back"] == 0

    deal_id = hubspot.won()
    post_webhook(app.url, [stage_change(2, deal_id, at=app.clock.now())], at=app.clock.now())
    read_back(app)
    hubspot.fake.update_deal(deal_id, dealstage="contractsent")  # reopened in HubSpot
    back = stage_change(3, deal_id, at=app.clock.now(), stage="contractsent")
    assert post_webhook(app.url, [back], at=app.clock.now()).body["read_back"] == 1
    read_back(app)
    assert app.rows(Handoff)[0].stage == "Contract Sent"


def test_a_new_deal_created_closed_won_starts_a_handoff(app: RunningApp, hubspot: Portal) -> None:
    deal_id = hubspot.won()
    created = stage_change(1, deal_id, at=app.clock.now(), kind="deal.creation")
    assert post_webhook(app.url, [created], at=app.clock.now()).body["read_back"] == 1
    read_back(app)
    assert len(app.rows(Handoff)) == 1


def test_behind_a_tls_proxy_the_public_url_is_what_was_signed(
    app: RunningApp, hubspot: Portal
) -> None:
    deal_id = hubspot.won()
    public = "https://handoff.example.com/crm/hubspot/webhooks"
    reply = post_webhook(
        app.url,
        [stage_change(1, deal_id, at=app.clock.now())],
        at=app.clock.now(),
        signed_uri=public,
        headers={"Host": "handoff.example.com", "X-Forwarded-Proto": "https"},
    )
    assert reply.status == 200, reply.body


def nothing_stored(app: RunningApp) -> bool:
    return app.rows(InboxEvent) == [] and app.rows(OutboxMessage) == [] and app.rows(Handoff) == []


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"signature": "A" * 43 + "="}, 401, "does not match"),
        ({"secret": "someone-elses-secret"}, 401, "does not match"),
        ({"late": timedelta(minutes=6)}, 401, "more than 5 minutes"),
        ({"portal": 99}, 403, "not this portal"),
        ({"raw": b'[{"eventId": 1,'}, 400, "not JSON"),
        ({"raw": b'{"eventId": 1}'}, 400, "not a JSON array"),
        ({"raw": json.dumps([{"eventId": "one"}]).encode()}, 400, "[0].eventId"),
        ({"raw": b"[" + b" " * 1_000_001 + b"]"}, 413, "over 1000000 bytes"),
    ],
)
def test_a_refused_batch_stores_nothing(
    app: RunningApp, hubspot: Portal, change: dict[str, object], status: int, message: str
) -> None:
    deal_id = hubspot.won()
    now = app.clock.now()
    change = dict(change)  # the parameter is shared by both database runs
    portal = int(change.pop("portal", hubspot.fake.portal_id))  # type: ignore[call-overload]
    late = change.pop("late", timedelta(0))
    batch = [stage_change(1, deal_id, at=now, portal_id=portal)]
    reply = post_webhook(app.url, batch, at=now - late, **change)  # type: ignore[arg-type]
    assert reply.status == status, reply.body
    assert message in reply.body["error"]
    assert nothing_stored(app) and hubspot.fake.calls == []


def test_a_batch_of_101_notifications_is_too_large(app: RunningApp, hubspot: Portal) -> None:
    deal_id = hubspot.won()
    batch = [stage_change(n, deal_id, at=app.clock.now()) for n in range(101)]
    reply = post_webhook(app.url, batch, at=app.clock.now())
    assert reply.status == 413 and nothing_stored(app)


def test_a_failed_read_back_is_retried_and_a_revoked_token_told(
    app: RunningApp, hubspot: Portal
) -> None:
    from tests.support.team import ADMIN

    deal_id = hubspot.won()
    post_webhook(app.url, [stage_change(1, deal_id, at=app.clock.now())], at=app.clock.now())
    hubspot.fake.fail_next(503)
    assert read_back(app).deferred == 1 and app.rows(Handoff) == []
    hubspot.fake.fail_next(401)
    app.clock.advance(timedelta(seconds=3))
    assert read_back(app).deferred == 1
    app.relay()
    [dm] = app.dms(ADMIN)
    assert "revoked" in dm
    app.clock.advance(timedelta(minutes=30))
    assert read_back(app).outbox_done == 0  # a person must replace the token: hourly
    app.clock.advance(timedelta(minutes=31))
    assert read_back(app).outbox_done == 1 and len(app.rows(Handoff)) == 1
