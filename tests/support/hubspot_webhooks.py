"""HubSpot's webhook requests, signed as HubSpot documents signature v3 (not with the code
under test), and sent over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

import requests

from tests.support.fake_hubspot import PORTAL_ID
from tests.support.signing import Reply

CLIENT_SECRET = "c1d2e3f4-0000-4a4a-9b9b-0123456789ab"
PATH = "/crm/hubspot/webhooks"


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def signature_v3(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    source = method.encode() + uri.encode() + body + timestamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), source, hashlib.sha256).digest()).decode()


def stage_change(
    event_id: int,
    deal_id: str,
    *,
    stage: str = "closedwon",
    at: datetime,
    portal_id: int = PORTAL_ID,
    kind: str = "deal.propertyChange",
    prop: str = "dealstage",
) -> dict[str, Any]:
    """One notification as HubSpot sends it (a creation carries no property)."""
    item: dict[str, Any] = {
        "eventId": event_id,
        "subscriptionId": 2_468_001,
        "portalId": portal_id,
        "appId": 777,
        "occurredAt": millis(at),
        "subscriptionType": kind,
        "attemptNumber": 0,
        "objectId": int(deal_id),
        "changeSource": "CRM_UI",
    }
    if kind == "deal.propertyChange":
        item |= {"propertyName": prop, "propertyValue": stage}
    return item


def post_webhook(
    base_url: str,
    notifications: Any,
    *,
    at: datetime,
    secret: str = CLIENT_SECRET,
    raw: bytes | None = None,
    signed_uri: str | None = None,
    headers: dict[str, str] | None = None,
    signature: str | None = None,
) -> Reply:
    """POST a batch to the app, signed for the URL it is sent to (or ``signed_uri``)."""
    body = raw if raw is not None else json.dumps(notifications).encode()
    stamp = str(millis(at))
    uri = signed_uri or base_url + PATH
    sent = {
        "Content-Type": "application/json",
        "X-HubSpot-Request-Timestamp": stamp,
        "X-HubSpot-Signature-v3": signature or signature_v3(secret, "POST", uri, body, stamp),
        **(headers or {}),
    }
    session = requests.Session()
    session.trust_env = False
    response = session.post(base_url + PATH, data=body, headers=sent, timeout=10)
    try:
        parsed: Any = response.json()
    except ValueError:
        parsed = response.text
    return Reply(response.status_code, parsed, dict(response.headers))
