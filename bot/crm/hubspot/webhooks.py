"""HubSpot webhook requests: the v3 signature check and the notification batch. No I/O.

Signature v3, as HubSpot documents it under "Validating requests"
(https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests):
``X-HubSpot-Signature-v3`` is base64(HMAC-SHA256(client secret, method + URI + body + timestamp)),
UTF-8, where the timestamp is the ``X-HubSpot-Request-Timestamp`` header (epoch milliseconds) and
the URI is the full URL HubSpot called, with the percent-escapes of ``: / ? @ ! $ ' ( ) * , ;``
decoded. Requests older than five minutes are refused.

Every refusal is a ``WebhookRefused`` carrying the HTTP status to answer; hostile input (odd
bytes, absurd numbers, wrong shapes) never raises anything else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

MAX_AGE = timedelta(minutes=5)
MAX_BATCH = 100  # HubSpot sends at most 100 notifications a request
MAX_BODY_BYTES = 1_000_000
DEAL_EVENTS = frozenset({"deal.creation", "deal.propertyChange", "deal.deletion", "deal.restore"})
_DECODED = {f"%{ord(c):02X}": c for c in ":/?@!$'()*,;"}
_ESCAPE = re.compile("|".join(_DECODED), re.IGNORECASE)
_TIMESTAMP = re.compile(r"[0-9]{1,15}")  # ASCII digits only; epoch ms has 13 today
_LATEST_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z: anything later is not a time
_COMMON = ("eventId", "subscriptionId", "portalId", "occurredAt", "attemptNumber")


class WebhookRefused(Exception):
    """A webhook request to refuse, with the HTTP status to answer it with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Notification:
    event_id: int
    subscription_id: int
    subscription_type: str  # deal.creation, deal.propertyChange, deal.deletion, deal.restore
    portal_id: int
    object_id: str  # a string, as the CRM API spells ids
    occurred_at: datetime
    attempt_number: int
    property_name: str | None = None  # propertyChange only
    property_value: str | None = None
    change_source: str | None = None
    app_id: int | None = None


@dataclass(frozen=True)
class NotificationBatch:
    """The deal notifications worth acting on, and every event id the batch carried.

    Iterating (and ``len``) goes over ``notifications``; ``event_ids`` lets the caller record
    and recognise redeliveries of events it ignored as well as those it acted on.
    """

    notifications: tuple[Notification, ...]
    event_ids: tuple[int, ...]

    def __iter__(self) -> Iterator[Notification]:
        return iter(self.notifications)

    def __len__(self) -> int:
        return len(self.notifications)


def verify_signature_v3(
    *,
    client_secret: str,
    method: str,
    uri: str,
    body: bytes,
    timestamp: str,
    signature: str,
    now: datetime,
) -> None:
    """Return if HubSpot signed this request within the last five minutes, else refuse it."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not client_secret:
        raise WebhookRefused(500, "no HubSpot client secret is configured")
    if not signature:
        raise WebhookRefused(401, "missing X-HubSpot-Signature-v3")
    if not timestamp:
        raise WebhookRefused(401, "missing X-HubSpot-Request-Timestamp")
    if not timestamp.isascii() or not _TIMESTAMP.fullmatch(timestamp):
        raise WebhookRefused(401, "X-HubSpot-Request-Timestamp is not epoch milliseconds")
    age_ms = now.timestamp() * 1000 - int(timestamp)
    if abs(age_ms) > MAX_AGE.total_seconds() * 1000:
        raise WebhookRefused(401, "X-HubSpot-Request-Timestamp is more than 5 minutes off")
    claimed = _digest(signature)
    if claimed is None:
        raise WebhookRefused(401, "X-HubSpot-Signature-v3 is not a base64 SHA-256 digest")
    decoded_uri = _ESCAPE.sub(lambda escape: _DECODED[escape[0].upper()], uri)
    signed = _utf8(method) + _utf8(decoded_uri) + body + _utf8(timestamp)
    expected = hmac.new(_utf8(client_secret), signed, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, claimed):
        raise WebhookRefused(401, "X-HubSpot-Signature-v3 does not match")


def parse_notifications(
    body: bytes,
    *,
    portal_id: int,
    events: frozenset[str] = DEAL_EVENTS,
    max_batch: int = MAX_BATCH,
) -> NotificationBatch:
    """Validate HubSpot's notification array, all of it from ``portal_id``; keep ``events``.

    Refused: not JSON (400), not an array of objects with HubSpot's fields (400, naming the index
    and field), more than ``max_batch`` notifications (413), any from another portal (403).
    """
    if len(body) > MAX_BODY_BYTES:
        raise WebhookRefused(413, f"body over {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body, parse_constant=_no_constants)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise WebhookRefused(400, f"body is not JSON: {type(error).__name__}") from None
    if not isinstance(data, list):
        raise WebhookRefused(400, "body is not a JSON array of notifications")
    if len(data) > max_batch:
        raise WebhookRefused(
            413, f"{len(data)} notifications in one batch; the limit is {max_batch}"
        )
    parsed = [_notification(n, item, events) for n, item in enumerate(data)]
    for n, (common, _) in enumerate(parsed):
        if common["portalId"] != portal_id:
            raise WebhookRefused(403, f"[{n}].portalId is {common['portalId']}, not this portal")
    ids = tuple(dict.fromkeys(common["eventId"] for common, _ in parsed))
    kept: dict[int, Notification] = {}
    for _, notification in parsed:
        if notification is not None:
            kept.setdefault(notification.event_id, notification)
    return NotificationBatch(tuple(kept.values()), ids)


def _notification(
    n: int, item: Any, events: frozenset[str]
) -> tuple[dict[str, int], Notification | None]:
    if not isinstance(item, dict):
        raise WebhookRefused(400, f"[{n}] is not an object")
    common = {name: _whole(n, item, name) for name in _COMMON}
    kind = _text(n, item, "subscriptionType")
    if common["occurredAt"] > _LATEST_MS:
        raise WebhookRefused(400, f"[{n}].occurredAt is not a time")
    app_id = _whole(n, item, "appId") if "appId" in item else None
    source = _maybe_text(n, item, "changeSource")
    if kind not in events:
        return common, None
    is_change = kind.endswith(".propertyChange")
    return common, Notification(
        event_id=common["eventId"],
        subscription_id=common["subscriptionId"],
        subscription_type=kind,
        portal_id=common["portalId"],
        object_id=str(_whole(n, item, "objectId")),
        occurred_at=datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=common["occurredAt"]),
        attempt_number=common["attemptNumber"],
        property_name=_text(n, item, "propertyName") if is_change else None,
        property_value=_text(n, item, "propertyValue", empty=True) if is_change else None,
        change_source=source,
        app_id=app_id,
    )


def _whole(n: int, item: dict[str, Any], name: str) -> int:
    value = item.get(name)
    if type(value) is not int or not 0 <= value < 2**63:  # bool is not a number here
        raise WebhookRefused(400, f"[{n}].{name} must be a non-negative integer")
    return value


def _text(n: int, item: dict[str, Any], name: str, *, empty: bool = False) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not (value or empty):
        raise WebhookRefused(400, f"[{n}].{name} must be a{'' if empty else ' non-empty'} string")
    return value


def _maybe_text(n: int, item: dict[str, Any], name: str) -> str | None:
    return None if item.get(name) is None else _text(n, item, name, empty=True)


def _digest(signature: str) -> bytes | None:
    if not signature.isascii() or len(signature) != 44:
        return None
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates cannot match, nor raise


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
