"""Sign and send requests over real HTTP exactly as Slack and a CRM would."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests

from bot.crm.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # never route loopback traffic through a proxy
    return session


def post_crm_event(
    base_url: str,
    payload: Any,
    *,
    secret: str,
    timestamp: int | None = None,
    raw: bytes | None = None,
    signature_override: str | None = None,
    content_type: str = "application/json",
) -> Reply:
    body = raw if raw is not None else json.dumps(payload).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": content_type,
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: signature_override or signature(secret, stamp, body),
    }
    response = _session().post(base_url + "/crm/events", data=body, headers=headers, timeout=10)
    try:
        parsed: Any = response.json()
    except ValueError:
        parsed = response.text
    return Reply(response.status_code, parsed, dict(response.headers))


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post_to_slack_endpoint(
    base_url: str,
    form: dict[str, str],
    *,
    secret: str,
    timestamp: int | None = None,
    signature_override: str | None = None,
) -> Reply:
    """POST a form-encoded request to /slack/events, signed the way Slack signs it."""
    body = urlencode(form).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature_override or slack_signature(secret, stamp, body),
    }
    response = _session().post(base_url + "/slack/events", data=body, headers=headers, timeout=10)
    try:
        parsed: Any = response.json()
    except ValueError:
        parsed = response.text
    return Reply(response.status_code, parsed, dict(response.headers))


def slash_command(
    text: str, *, user_id: str = "U0CSM0001", channel_id: str = "C0123ABCD"
) -> dict[str, str]:
    return {
        "token": "deprecated",
        "team_id": "T0HANDOFF",
        "team_domain": "sandbox",
        "channel_id": channel_id,
        "channel_name": "deals",
        "user_id": user_id,
        "user_name": "someone",
        "command": "/handoff",
        "text": text,
        "api_app_id": "A0HANDOFF",
        "is_enterprise_install": "false",
        "response_url": "http://127.0.0.1:9/commands/response",
        "trigger_id": "1337.42.abcdef",
    }


def block_action(
    action_id: str, *, user_id: str, value: str = "", url: str | None = None
) -> dict[str, str]:
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": "card_actions",
        "type": "button",
        "text": {"type": "plain_text", "text": "x"},
        "action_ts": f"{time.time():.6f}",
    }
    if value:
        action["value"] = value
    if url:
        action["url"] = url
    payload = {
        "type": "block_actions",
        "team": {"id": "T0HANDOFF", "domain": "sandbox"},
        "user": {"id": user_id, "username": "someone", "team_id": "T0HANDOFF"},
        "api_app_id": "A0HANDOFF",
        "token": "deprecated",
        "trigger_id": "1337.42.abcdef",
        "container": {"type": "message", "channel_id": "C0123ABCD", "message_ts": "1.000001"},
        "channel": {"id": "C0123ABCD", "name": "deals"},
        "actions": [action],
    }
    return {"payload": json.dumps(payload)}
