"""How the stand-in checks what it is sent, as Slack does: a fallback text, Block Kit limits."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# What slack_sdk.models raises for a malformed or over-limit block.
INVALID_BLOCK_ERRORS = (SlackObjectFormationError, KeyError, TypeError, ValueError, AttributeError)

# The Web API methods the stand-in answers, with the arguments Slack insists on for each.
REQUIRED_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("channel",),
    "chat.update": ("channel", "ts"),
    "chat.postEphemeral": ("channel", "user"),
    "conversations.create": ("name",),
    "conversations.list": (),
    "conversations.join": ("channel",),
    "conversations.invite": ("channel", "users"),
    "conversations.history": ("channel",),
    "conversations.info": ("channel",),
    "conversations.members": ("channel",),
    "chat.getPermalink": ("channel", "message_ts"),
    "users.lookupByEmail": ("email",),
    "users.info": ("user",),
    "views.open": ("trigger_id", "view"),
    "views.update": ("view",),
    "views.push": ("trigger_id", "view"),
    "views.publish": ("user_id", "view"),
    "usergroups.list": (),
    "conversations.open": ("users",),
    "files.getUploadURLExternal": ("filename", "length"),
    "files.completeUploadExternal": ("files",),
    "usergroups.users.list": ("usergroup",),
    "files.info": ("file",),
    "conversations.canvases.create": ("channel_id",),
    "canvases.edit": ("canvas_id", "changes"),
    "canvases.sections.lookup": ("canvas_id", "criteria"),
}


def as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return json.loads(value) if isinstance(value, str) else list(value)


def as_dict(value: Any) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    return json.loads(value) if isinstance(value, str) else dict(value)


def message_problem(args: dict[str, Any]) -> str | None:
    blocks = as_list(args.get("blocks"))
    if not args.get("text") and not blocks and not args.get("attachments"):
        return "no_text"
    if len(str(args.get("text") or "")) > 40000:
        return "msg_too_long"
    if blocks and not args.get("text"):
        # Slack accepts this but warns: every message must carry a notification fallback.
        return "missing_text_fallback"
    if len(blocks) > 50:
        return "invalid_blocks"
    return "invalid_blocks" if _blocks_problem(blocks) else None


def _blocks_problem(blocks: list[dict[str, Any]]) -> str | None:
    try:
        for raw in blocks:
            block = Block.parse(raw)
            if block is None:
                return f"unknown block {raw!r}"
            block.validate_json()
    except INVALID_BLOCK_ERRORS as error:
        return f"{type(error).__name__}: {error}"
    return None


def view_problem(view: dict[str, Any]) -> str | None:
    try:
        View(**view).validate_json()
    except INVALID_BLOCK_ERRORS as error:
        return f"invalid view: {type(error).__name__}: {error}"
    return None
