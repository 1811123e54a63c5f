"""Requests as Slack sends them: signed, with the payload shapes of real interactions.

Used by the offline demo to click buttons and submit modals, and by the tests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode


def signed_headers(
    secret: str, body: bytes, *, content_type: str, timestamp: int | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": slack_signature(secret, stamp, body),
    }


def form_body(form: dict[str, str]) -> bytes:
    return urlencode(form).encode()


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def slash_command(
    text: str,
    *,
    user_id: str = "U0CSM0001",
    channel_id: str = "C0123ABCD",
    response_url: str = "http://127.0.0.1:9/commands/response",
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
        "response_url": response_url,
        "trigger_id": "1337.42.abcdef",
    }


def block_action(
    action_id: str,
    *,
    user_id: str,
    value: str = "",
    url: str | None = None,
    response_url: str | None = None,
    container: str = "message",
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
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": "T0HANDOFF", "domain": "sandbox"},
        "user": {"id": user_id, "username": "someone", "team_id": "T0HANDOFF"},
        "api_app_id": "A0HANDOFF",
        "token": "deprecated",
        "trigger_id": f"1337.42.{user_id}",
        "actions": [action],
    }
    if container == "message":
        payload["container"] = {"type": "message", "channel_id": "C0123ABCD", "message_ts": "1.1"}
        payload["channel"] = {"id": "C0123ABCD", "name": "deals"}
        if response_url:
            payload["response_url"] = response_url
    else:
        payload["container"] = {"type": "view", "view_id": "V0HOME"}
        payload["view"] = {"id": "V0HOME", "type": "home", "blocks": []}
    return {"payload": json.dumps(payload)}


def menu_choice(
    option_value: str, *, user_id: str, response_url: str | None = None
) -> dict[str, str]:
    """An option chosen from the card's overflow menu (``action_id`` card_menu)."""
    form = block_action("card_menu", user_id=user_id, response_url=response_url)
    payload = json.loads(form["payload"])
    payload["actions"][0] = {
        "action_id": "card_menu",
        "block_id": "card_actions.v1",
        "type": "overflow",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": option_value},
        "action_ts": f"{time.time():.6f}",
    }
    return {"payload": json.dumps(payload)}


def modal_action(
    action_id: str,
    *,
    user_id: str,
    handoff_id: int,
    callback_id: str,
    values: dict[str, dict[str, Any]],
) -> dict[str, str]:
    """A button inside an open modal: Slack sends the modal's current state with it."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T0HANDOFF", "domain": "sandbox"},
        "user": {"id": user_id, "username": "someone", "team_id": "T0HANDOFF"},
        "api_app_id": "A0HANDOFF",
        "token": "deprecated",
        "trigger_id": f"1337.42.{user_id}",
        "container": {"type": "view", "view_id": "V0MODAL"},
        "view": {
            "id": "V0MODAL",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": json.dumps({"handoff_id": handoff_id}),
            "state": {"values": {block: {"value": state} for block, state in values.items()}},
            "hash": "1.abc",
        },
        "actions": [
            {
                "action_id": action_id,
                "block_id": "details_save",
                "type": "button",
                "value": str(handoff_id),
                "text": {"type": "plain_text", "text": "x"},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return {"payload": json.dumps(payload)}


def view_submission(
    callback_id: str,
    *,
    user_id: str,
    handoff_id: int,
    values: dict[str, dict[str, Any]],
    private_metadata: str | None = None,
) -> dict[str, str]:
    """``values``: block_id -> the state Slack reports for that input's "value" action;
    ``private_metadata``: the opened view's, which Slack hands back on submission."""
    payload = {
        "type": "view_submission",
        "team": {"id": "T0HANDOFF", "domain": "sandbox"},
        "user": {"id": user_id, "username": "someone", "team_id": "T0HANDOFF"},
        "api_app_id": "A0HANDOFF",
        "token": "deprecated",
        "trigger_id": "1337.42.view",
        "view": {
            "id": "V0MODAL",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata or json.dumps({"handoff_id": handoff_id}),
            "state": {"values": {block: {"value": state} for block, state in values.items()}},
            "hash": "1.abc",
        },
        "response_urls": [],
    }
    return {"payload": json.dumps(payload)}


def app_home_opened(user_id: str) -> dict[str, Any]:
    return {
        "token": "deprecated",
        "team_id": "T0HANDOFF",
        "api_app_id": "A0HANDOFF",
        "type": "event_callback",
        "event_id": f"Ev{time.time_ns()}",
        "event_time": int(time.time()),
        "event": {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D0HOME",
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        },
    }
