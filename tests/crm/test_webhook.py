"""POST /crm/events end to end: signed HTTP in, one card in the fake Slack out."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from storage.enums import HandoffStatus, OutboxKind
from storage.models import AuditEvent, FieldValue, Handoff, InboxEvent, OutboxMessage
from tests.conftest import AE_ID, DEAL_CHANNEL, RunningApp
from tests.support.events import deal_event


def mrkdwn_texts(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "mrkdwn" else []
        return found + [t for value in node.values() for t in mrkdwn_texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_texts(item)]
    return []


def card_text(message: dict) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def test_closed_won_event_posts_one_card_with_the_deal(running_app: RunningApp) -> None:
    reply = running_app.send(deal_event())
    assert reply.status == 202
    assert reply.body == {"ok": True, "handoff_id": reply.body["handoff_id"], "status": "held"}

    report = running_app.relay()
    assert report.posted == 1

    [card] = running_app.cards()
    blocks = card_text(card)
    assert card["text"].startswith("Handoff for Acme — Platform (Acme Corp): Held")
    assert "Handoff: Acme — Platform" in blocks
    assert "USD 120,000" in blocks
    assert f"<@{AE_ID}>" in blocks
    assert "_Unclaimed_" in blocks
    assert "2 required fields missing" in blocks
    assert ":white_check_mark: Primary use case" in blocks
    assert ":white_large_square: Decision-maker contacts — _missing_" in blocks
    due = int((running_app.clock.now() + timedelta(hours=48)).timestamp())
    assert f"<!date^{due}^" in blocks
    assert "https://crm.example/deals/006Dn000004TmiQ" in blocks
    assert card["metadata"]["event_type"] == "handoff_card"

    [handoff] = running_app.rows(Handoff)
    assert handoff.status is HandoffStatus.HELD
    assert handoff.card_ts == card["ts"] and handoff.rendered_version == handoff.state_version
    values = {v.key: (v.value, v.source.value) for v in running_app.rows(FieldValue)}
    assert values == {
        "primary_use_case": ("Consolidate billing", "crm"),
        "success_metrics": ("DSO −10 days", "crm"),
    }
    assert [a.action.value for a in running_app.rows(AuditEvent)] == [
        "handoff_started",
        "card_posted",
    ]


def test_repeat_delivery_is_answered_as_duplicate_and_posts_nothing(
    running_app: RunningApp,
) -> None:
    first = running_app.send(deal_event())
    running_app.relay()
    again = running_app.send(deal_event())
    report = running_app.relay()

    assert again.status == 200
    assert again.body == {
        "ok": True,
        "handoff_id": first.body["handoff_id"],
        "status": "held",
        "duplicate": True,
    }
    assert report.posted == report.updated == 0
    assert len(running_app.cards()) == 1
    assert len(running_app.rows(InboxEvent)) == 1


def test_later_event_updates_the_same_card_in_place(running_app: RunningApp) -> None:
    running_app.send(deal_event("evt_1"))
    running_app.relay()
    complete = {
        "primary_use_case": "Consolidate billing",
        "success_metrics": "DSO −10 days",
        "decision_makers": "Priya Shah (CFO)",
        "promises_made": "SSO in month one",
    }
    reply = running_app.send(
        deal_event(
            "evt_2", occurred_at=running_app.clock.now() + timedelta(minutes=5), fields=complete
        )
    )
    assert reply.status == 202 and reply.body["status"] == "open"

    report = running_app.relay()
    assert (report.posted, report.updated) == (0, 1)
    [card] = running_app.cards()
    assert "(4/4)" in card_text(card)
    assert "waiting for a CSM" in card_text(card)
    assert len(running_app.slack.calls_to("chat.postMessage")) == 1


def test_older_event_never_overwrites_newer_data(running_app: RunningApp) -> None:
    now = running_app.clock.now()
    running_app.send(deal_event("evt_new", occurred_at=now, amount=150000))
    reply = running_app.send(
        deal_event("evt_old", occurred_at=now - timedelta(hours=1), amount=90000)
    )
    running_app.relay()

    assert reply.status == 200
    assert reply.body["stale"] is True and "newer" in reply.body["reason"]
    [handoff] = running_app.rows(Handoff)
    assert handoff.amount == 150000
    [card] = running_app.cards()
    assert "USD 150,000" in card_text(card)
    assert [e.outcome for e in running_app.rows(InboxEvent)] == ["applied", "stale"]


def test_burst_of_updates_coalesces_into_one_card_render(running_app: RunningApp) -> None:
    now = running_app.clock.now()
    for minute in range(5):
        running_app.send(
            deal_event(
                f"evt_{minute}", occurred_at=now + timedelta(minutes=minute), amount=1000 + minute
            )
        )
    report = running_app.relay()
    assert (report.posted, report.updated) == (1, 0)
    assert "USD 1,004" in card_text(running_app.cards()[0])


def test_event_for_a_deal_not_closing_is_stored_and_ignored(running_app: RunningApp) -> None:
    reply = running_app.send(deal_event(stage="Discovery"))
    assert reply.status == 200
    assert reply.body["ignored"] is True and "Discovery" in reply.body["reason"]
    assert running_app.rows(Handoff) == []
    assert running_app.relay().posted == 0


def test_crm_text_cannot_mention_channel_or_fake_links(running_app: RunningApp) -> None:
    running_app.send(
        deal_event(name="<!channel> Acme & Co", account_name="<https://evil.example|Acme>")
    )
    running_app.relay()
    [card] = running_app.cards()
    # mrkdwn (and the notification fallback) parses mentions and links; plain_text does not.
    parsed = [card["text"], *mrkdwn_texts(card["blocks"])]
    assert not any("<!channel>" in t or "<https://evil" in t for t in parsed)
    assert "&lt;!channel&gt; Acme &amp; Co" in card["text"]
    assert any("&lt;https://evil.example|Acme&gt;" in t for t in parsed)


def test_unknown_ae_email_shows_the_email_instead(running_app: RunningApp) -> None:
    running_app.send(deal_event(owner_email="new.hire@acme-vendor.example"))
    running_app.relay()
    assert "new.hire@acme-vendor.example" in card_text(running_app.cards()[0])
    running_app.send(
        deal_event("evt_other", id="006OTHER", owner_email="new.hire@acme-vendor.example")
    )
    running_app.relay()
    notices = [r for r in running_app.rows(OutboxMessage) if r.kind is OutboxKind.NOTIFY_ADMINS]
    assert len(notices) == 1 and "new.hire@acme-vendor.example" in notices[0].payload["text"]


# ---- rejected requests: right status, clear reason, nothing stored -----------------------


def assert_nothing_stored(app: RunningApp) -> None:
    assert app.rows(InboxEvent) == [] and app.rows(Handoff) == []


def test_bad_signature_is_401(running_app: RunningApp) -> None:
    reply = running_app.send(deal_event(), signature_override="v0=" + "0" * 64)
    assert reply.status == 401 and "signature" in reply.body["error"]
    assert_nothing_stored(running_app)


def test_wrong_secret_is_401(running_app: RunningApp) -> None:
    reply = running_app.send(deal_event(), secret="not-the-secret")
    assert reply.status == 401
    assert_nothing_stored(running_app)


def test_stale_timestamp_is_401(running_app: RunningApp) -> None:
    old = int(running_app.clock.now().timestamp()) - 301
    reply = running_app.send(deal_event(), timestamp=old)
    assert reply.status == 401 and "5 minutes" in reply.body["error"]
    assert_nothing_stored(running_app)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda e: e["deal"].pop("stage"), "deal.stage"),
        (lambda e: e.pop("id"), "id"),
        (lambda e: e.update(occurred_at="yesterday"), "occurred_at"),
        (lambda e: e.update(occurred_at="2026-11-23T09:00:00"), "occurred_at"),
        (lambda e: e.update(type="deal.deleted"), "type"),
        (lambda e: e["deal"].update(amount="lots"), "deal.amount"),
        (lambda e: e["deal"].update(owner_email="dana"), "deal.owner_email"),
        (lambda e: e["deal"].update(slack_channel_id="general"), "deal.slack_channel_id"),
        (
            lambda e: e["deal"]["fields"].update(favourite_colour="blue"),
            "deal.fields.favourite_colour",
        ),
        (lambda e: e["deal"].update(name=""), "deal.name"),
    ],
)
def test_malformed_body_is_400_naming_the_field(
    running_app: RunningApp, mutate, field: str
) -> None:
    event = deal_event()
    mutate(event)
    reply = running_app.send(event)
    assert reply.status == 400
    assert reply.body["ok"] is False and reply.body["field"] == field
    assert field.split(".")[-1] in reply.body["error"]
    assert_nothing_stored(running_app)


def test_invalid_json_is_400(running_app: RunningApp) -> None:
    reply = running_app.send(None, raw=b"{not json")
    assert reply.status == 400 and "JSON" in reply.body["error"]
    assert_nothing_stored(running_app)


def test_body_over_one_megabyte_is_413(running_app: RunningApp) -> None:
    event = deal_event()
    event["padding"] = "x" * (1024 * 1024)
    reply = running_app.send(event)
    assert reply.status == 413
    assert_nothing_stored(running_app)


def test_wrong_content_type_is_415(running_app: RunningApp) -> None:
    reply = running_app.send(deal_event(), content_type="text/plain")
    assert reply.status == 415
    assert_nothing_stored(running_app)


def test_get_is_405_and_unknown_path_404(running_app: RunningApp) -> None:
    import requests

    session = requests.Session()
    session.trust_env = False
    assert session.get(running_app.url + "/crm/events", timeout=5).status_code == 405
    assert session.get(running_app.url + "/nope", timeout=5).status_code == 404


def test_healthz_reports_database_and_cards(running_app: RunningApp) -> None:
    import requests

    session = requests.Session()
    session.trust_env = False
    running_app.send(deal_event())
    before = session.get(running_app.url + "/healthz", timeout=5).json()
    running_app.relay()
    after = session.get(running_app.url + "/healthz", timeout=5).json()
    assert before["ok"] and before["database"] == "ok" and before["cards_pending"] == 1
    assert after["cards_pending"] == 0 and after["cards_failing"] == 0


def test_card_goes_to_given_channel(running_app: RunningApp) -> None:
    running_app.send(deal_event())
    running_app.relay()
    assert running_app.rows(Handoff)[0].channel_id == DEAL_CHANNEL
