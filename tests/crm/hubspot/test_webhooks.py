"""HubSpot webhook requests: the v3 signature and the notification batch, against hostile input.

Signatures here are computed from HubSpot's documented rule, not with the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.crm.hubspot.webhooks import (
    DEAL_EVENTS,
    WebhookRefused,
    parse_notifications,
    verify_signature_v3,
)

SECRET = "c1d2e3f4-0000-4a4a-9b9b-0123456789ab"
URI = "https://handoff.example.com/hubspot/webhooks"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PORTAL = 24_680_135


def millis(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def hubspot_signature(method: str, uri: str, body: bytes, timestamp: str) -> str:
    """What HubSpot puts in X-HubSpot-Signature-v3, by its documentation."""
    source = f"{method}{uri}{body.decode('utf-8')}{timestamp}".encode("utf-8", "surrogatepass")
    return base64.b64encode(hmac.new(SECRET.encode(), source, hashlib.sha256).digest()).decode()


def verify(**changes: Any) -> None:
    body = changes.pop("body", b'[{"eventId":1}]')
    timestamp = changes.pop("timestamp", millis(NOW - timedelta(seconds=3)))
    request = {
        "client_secret": SECRET,
        "method": "POST",
        "uri": URI,
        "body": body,
        "timestamp": timestamp,
        "signature": hubspot_signature("POST", URI, body, timestamp),
        "now": NOW,
    }
    verify_signature_v3(**{**request, **changes})


def refused(**changes: Any) -> WebhookRefused:
    with pytest.raises(WebhookRefused) as caught:  # and nothing else
        verify(**changes)
    return caught.value


# -- the signature ------------------------------------------------------------------------------
def test_a_correctly_signed_request_verifies() -> None:
    verify()
    verify(body='[{"note":"Café ☕"}]'.encode())


def test_the_signature_covers_the_decoded_uri() -> None:
    # HubSpot signs the URI with these escapes decoded; the server sees them encoded.
    body, timestamp = b"[]", millis(NOW)
    signed = hubspot_signature("POST", URI + "?tag=a:b/c@d", body, timestamp)
    received = URI + "?tag=a%3Ab%2fc%40d"
    verify(uri=received, body=body, timestamp=timestamp, signature=signed)
    assert refused(uri=URI + "?tag=a%3Ab", body=body, timestamp=timestamp, signature=signed)


def test_a_tampered_body_uri_method_or_timestamp_is_refused() -> None:
    signed = hubspot_signature("POST", URI, b"[]", millis(NOW))
    same = {"body": b"[]", "timestamp": millis(NOW), "signature": signed}
    verify(**same)
    assert refused(**{**same, "body": b"[ ]"}).status == 401
    assert refused(**{**same, "uri": URI + "/"}).status == 401
    assert refused(**{**same, "method": "PUT"}).status == 401
    assert refused(**{**same, "timestamp": millis(NOW - timedelta(milliseconds=1))}).status == 401
    assert refused(**{**same, "client_secret": SECRET + "x"}).status == 401


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "not base64 at all",
        "é" * 44,
        "Zm9v",  # base64, but not a SHA-256
        base64.b64encode(b"\x00" * 32).decode(),  # the right shape, the wrong digest
        base64.b64encode(b"\x00" * 32).decode()[:-1] + "!",
        " " + base64.b64encode(b"\x00" * 32).decode()[1:],
        "\udcff" * 44,
        "\x00" * 44,
        "A" * 10_000,
    ],
)
def test_a_hostile_signature_is_refused(signature: str) -> None:
    assert refused(signature=signature).status == 401


@pytest.mark.parametrize(
    "timestamp",
    ["", "nan", "NaN", "inf", "1" * 400, "-1", "1e12", " 1764000000000", "1764000000000 ",
     "+1764000000000", "0x1F", "12.5", "１７６４", "٣٣٣", "1764000000000\n", "\udcff"],
)  # fmt: skip
def test_a_hostile_timestamp_is_refused(timestamp: str) -> None:
    assert refused(timestamp=timestamp).status == 401


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(timedelta(minutes=4, seconds=59), True), (timedelta(minutes=5, seconds=1), False),
     (-timedelta(minutes=1), True), (-timedelta(minutes=6), False), (timedelta(days=400), False)],
)  # fmt: skip
def test_only_a_recent_timestamp_is_accepted(offset: timedelta, accepted: bool) -> None:
    timestamp = millis(NOW - offset)
    if accepted:
        verify(timestamp=timestamp)
    else:
        assert "5 minutes" in refused(timestamp=timestamp).reason


@pytest.mark.parametrize("field", ["method", "uri"])
def test_unencodable_request_text_is_refused_not_raised(field: str) -> None:
    assert refused(**{field: "POST\udc80\ud800"}).status == 401


def test_without_a_client_secret_nothing_verifies() -> None:
    assert refused(client_secret="").status == 500


def test_now_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError):
        verify(now=NOW.replace(tzinfo=None))


# -- the batch ----------------------------------------------------------------------------------
def event(event_id: int, kind: str = "deal.propertyChange", **fields: Any) -> dict[str, Any]:
    notification = {
        "eventId": event_id,
        "subscriptionId": 2_001,
        "portalId": PORTAL,
        "appId": 3_003,
        "occurredAt": int(NOW.timestamp() * 1000),
        "subscriptionType": kind,
        "attemptNumber": 0,
        "objectId": 9_001,
        "changeSource": "CRM_UI",
    }
    if kind.endswith("propertyChange"):
        notification |= {"propertyName": "dealstage", "propertyValue": "closedwon"}
    return {**notification, **fields}


def parse(items: Any, **options: Any) -> Any:
    return parse_notifications(json.dumps(items).encode(), portal_id=PORTAL, **options)


def rejected(body: Any, **options: Any) -> WebhookRefused:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with pytest.raises(WebhookRefused) as caught:  # and nothing else
        parse_notifications(raw, portal_id=PORTAL, **options)
    return caught.value


def test_a_batch_keeps_deal_events_and_every_event_id() -> None:
    association = {k: v for k, v in event(13, "deal.associationChange").items() if k != "objectId"}
    association |= {"fromObjectId": 9_001, "toObjectId": 77, "associationType": "DEAL_TO_COMPANY"}
    batch = parse(
        [
            event(11),
            event(12, "deal.creation", objectId=9_002),
            association,
            event(14, "contact.creation"),
            event(11),  # the same event twice in one batch
            event(15, propertyName="amount", propertyValue=""),
        ]
    )
    assert batch.event_ids == (11, 12, 13, 14, 15)
    assert [n.event_id for n in batch] == [11, 12, 15] and len(batch) == 3
    first = batch.notifications[0]
    assert first.subscription_type == "deal.propertyChange" and first.object_id == "9001"
    assert (first.property_name, first.property_value) == ("dealstage", "closedwon")
    assert first.occurred_at == NOW and first.portal_id == PORTAL and first.app_id == 3_003
    assert first.change_source == "CRM_UI" and first.attempt_number == 0
    assert batch.notifications[1].property_name is None
    assert batch.notifications[2].property_value == ""


def test_which_events_are_kept_is_a_choice() -> None:
    batch = parse([event(1), event(2, "deal.creation")], events=frozenset({"deal.creation"}))
    assert [n.event_id for n in batch] == [2] and batch.event_ids == (1, 2)
    assert "deal.propertyChange" in DEAL_EVENTS


def test_an_empty_batch_is_empty() -> None:
    batch = parse([])
    assert list(batch) == [] and batch.event_ids == ()


def test_a_notification_from_another_portal_refuses_the_whole_batch() -> None:
    error = rejected([event(1), event(2, portalId=PORTAL + 1)])
    assert error.status == 403 and "[1].portalId" in error.reason


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b"", "not JSON"),
        (b"{not json", "not JSON"),
        (b"\xff\xfe\xfa", "not JSON"),
        (b'[{"eventId": NaN}]', "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (b"[" + b"9" * 5_000 + b"]", "not JSON"),
        (b'{"eventId": 1}', "array"),
        (b"null", "array"),
        (b"[1]", "[0] is not an object"),
    ],
)
def test_malformed_json_is_refused(body: bytes, named: str) -> None:
    error = rejected(body)
    assert error.status == 400 and named in error.reason


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"eventId": None}, "[1].eventId"),
        ({"eventId": "12"}, "[1].eventId"),
        ({"eventId": True}, "[1].eventId"),
        ({"eventId": 1.5}, "[1].eventId"),
        ({"eventId": -1}, "[1].eventId"),
        ({"eventId": 2**64}, "[1].eventId"),
        ({"portalId": str(PORTAL)}, "[1].portalId"),
        ({"subscriptionId": []}, "[1].subscriptionId"),
        ({"occurredAt": 10**17}, "[1].occurredAt"),
        ({"attemptNumber": {}}, "[1].attemptNumber"),
        ({"subscriptionType": ""}, "[1].subscriptionType"),
        ({"subscriptionType": 7}, "[1].subscriptionType"),
        ({"objectId": "9001"}, "[1].objectId"),
        ({"propertyName": None}, "[1].propertyName"),
        ({"propertyValue": 5}, "[1].propertyValue"),
        ({"changeSource": ["CRM"]}, "[1].changeSource"),
        ({"appId": "x"}, "[1].appId"),
    ],
)
def test_a_wrong_field_is_refused_naming_index_and_field(
    change: dict[str, Any], named: str
) -> None:
    error = rejected([event(1), {**event(2), **change}])
    assert error.status == 400 and named in error.reason


def test_a_missing_field_is_refused_naming_it() -> None:
    partial = {k: v for k, v in event(2).items() if k != "objectId"}
    assert "[1].objectId" in rejected([event(1), partial]).reason
    partial = {k: v for k, v in event(3).items() if k != "occurredAt"}
    assert "[0].occurredAt" in rejected([partial]).reason


def test_too_many_notifications_or_bytes_are_refused() -> None:
    assert parse([event(n) for n in range(1, 101)]).event_ids[-1] == 100
    assert rejected([event(n) for n in range(1, 102)]).status == 413
    assert rejected([event(1), event(2)], max_batch=1).status == 413
    assert rejected(b"[" + b" " * 1_000_001 + b"]").status == 413
