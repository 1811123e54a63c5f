"""Send requests over real HTTP exactly as Slack and a CRM would (signed by the sandbox)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import requests

from bot.crm.webhook.events import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from bot.sandbox.requests import (
    app_home_opened,
    block_action,
    form_body,
    menu_choice,
    modal_action,
    signed_headers,
    slash_command,
    view_submission,
)


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


def post_to_slack_endpoint(
    base_url: str,
    form: dict[str, str],
    *,
    secret: str,
    timestamp: int | None = None,
    signature_override: str | None = None,
) -> Reply:
    """POST a form-encoded request to /slack/events, signed the way Slack signs it."""
    body = form_body(form)
    headers = signed_headers(
        secret, body, content_type="application/x-www-form-urlencoded", timestamp=timestamp
    )
    if signature_override:
        headers["X-Slack-Signature"] = signature_override
    response = _session().post(base_url + "/slack/events", data=body, headers=headers, timeout=10)
    try:
        parsed: Any = response.json()
    except ValueError:
        parsed = response.text
    return Reply(response.status_code, parsed, dict(response.headers))


def post_json_to_slack_endpoint(base_url: str, payload: dict[str, Any], *, secret: str) -> Reply:
    """POST an Events API envelope, signed."""
    body = json.dumps(payload).encode()
    headers = signed_headers(secret, body, content_type="application/json")
    response = _session().post(base_url + "/slack/events", data=body, headers=headers, timeout=10)
    return Reply(response.status_code, response.text, dict(response.headers))


__all__ = [
    "Reply",
    "app_home_opened",
    "block_action",
    "menu_choice",
    "modal_action",
    "post_crm_event",
    "post_json_to_slack_endpoint",
    "post_to_slack_endpoint",
    "slash_command",
    "view_submission",
]
