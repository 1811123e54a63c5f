"""Every Slack identifier the app uses, in one place. manifest.yml is tested against it."""

from __future__ import annotations

import enum


class Command(enum.StrEnum):
    HANDOFF = "/handoff"


class Action(enum.StrEnum):
    OPEN_CRM_RECORD = "open_crm_record"


class BlockId(enum.StrEnum):
    CARD_SUMMARY = "card_summary"
    CARD_CHECKLIST = "card_checklist"
    CARD_ACTIONS = "card_actions"


class MetadataEvent(enum.StrEnum):
    HANDOFF_CARD = "handoff_card"


# Web API methods the app calls, with the bot scope each needs. manifest.yml's bot scopes
# must be exactly these plus the ones features need without a method call (commands).
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "conversations.create": ("channels:manage",),
    "conversations.list": ("channels:read",),
    "conversations.join": ("channels:join",),
    "conversations.invite": ("channels:manage",),
    "conversations.history": ("channels:history",),
    "users.lookupByEmail": ("users:read.email", "users:read"),
}
FEATURE_SCOPES: tuple[str, ...] = ("commands",)
