"""Every Slack identifier the app uses, in one place. manifest.yml is tested against it."""

from __future__ import annotations

import enum


class Command(enum.StrEnum):
    HANDOFF = "/handoff"


class Action(enum.StrEnum):
    OPEN_CRM_RECORD = "open_crm_record"
    ADD_DETAILS = "add_details"
    CLAIM = "claim"
    REASSIGN = "reassign"
    RELEASE = "release"
    GRANT_EXCEPTION = "grant_exception"
    VIEW_BRIEF = "view_brief"
    MARK_READY = "mark_ready"
    KICKOFF_HELD = "kickoff_held"
    FIRST_VALUE = "first_value"
    ONBOARDING_DONE = "onboarding_done"
    WRITE_FEEDBACK = "write_feedback"
    SCHEDULE_SYNC = "schedule_sync"
    CAPTURE_OUTCOMES = "capture_outcomes"
    NUDGE_SNOOZE = "nudge_snooze"
    NUDGE_ACK = "nudge_ack"
    # The card's overflow menu: each option's value is menu_option_value(action, handoff).
    CARD_MENU = "card_menu"
    # In the details modal: keep what was typed without Slack's check of required inputs.
    SAVE_DRAFT = "save_draft"
    # The commitments ledger: its modal (card menu), the sync's review (agenda, card), and
    # inside the ledger modal: add one, and each commitment's menu (value "<step>:<id>").
    COMMITMENTS = "commitments"
    REVIEW_COMMITMENTS = "review_commitments"
    ADD_COMMITMENT = "add_commitment"
    COMMITMENT_MENU = "commitment_menu"


class View(enum.StrEnum):
    FIELDS = "handoff_fields"
    EXCEPTION = "handoff_exception"
    REASSIGN = "handoff_reassign"
    READY = "handoff_ready"
    BRIEF = "handoff_brief"
    KICKOFF = "handoff_kickoff"
    FEEDBACK = "handoff_feedback"
    SYNC = "handoff_sync"
    OUTCOMES = "handoff_outcomes"
    COMMITMENTS = "handoff_commitments"
    COMMITMENT_FORM = "handoff_commitment_form"
    COMMITMENT_SPLIT = "handoff_commitment_split"
    COMMITMENT_MERGE = "handoff_commitment_merge"
    COMMITMENT_DROP = "handoff_commitment_drop"
    COMMITMENT_REVIEW = "handoff_commitment_review"


class Input(enum.StrEnum):
    """block_id / action_id pairs of modal inputs (field inputs use ``field:<key>``)."""

    VALUE = "value"
    EXCEPTION_REASON = "exception_reason"
    EXCEPTION_UNTIL = "exception_until"
    NEW_OWNER = "new_owner"
    READY_CONFIRM = "ready_confirm"
    KICKOFF_DAY = "kickoff_day"
    WENT_WELL = "went_well"
    MISSING_CONTEXT = "missing_context"
    SIGNALS = "signals"
    SYNC_START = "sync_start"
    SYNC_MINUTES = "sync_minutes"
    SYNC_ATTENDEES = "sync_attendees"
    OUTCOME_SUMMARY = "outcome_summary"
    OUTCOME_ACTIONS = "outcome_actions"
    OUTCOME_CONCERNS = "outcome_concerns"
    COMMITMENT_TEXT = "commitment_text"
    COMMITMENT_BY = "commitment_by"
    COMMITMENT_TO = "commitment_to"
    COMMITMENT_DUE = "commitment_due"
    COMMITMENT_OWNER = "commitment_owner"
    COMMITMENT_PARTS = "commitment_parts"
    COMMITMENT_MERGE_WITH = "commitment_merge_with"
    COMMITMENT_REASON = "commitment_reason"
    # The sync's review: one decision and one reason per commitment ("<prefix><id>").
    REVIEW_DECISION = "review_decision:"
    REVIEW_REASON = "review_reason:"


class Event(enum.StrEnum):
    """The bot events manifest.yml subscribes to."""

    APP_HOME_OPENED = "app_home_opened"
    CHANNEL_MESSAGE = "message.channels"
    GROUP_MESSAGE = "message.groups"


# Both message subscriptions deliver events of this type (subtypes tell edits and deletions).
MESSAGE_EVENT = "message"
# Scopes an event subscription needs without any method call.
EVENT_SCOPES: dict[Event, tuple[str, ...]] = {
    Event.CHANNEL_MESSAGE: ("channels:history",),
    Event.GROUP_MESSAGE: ("groups:history",),
}


class BlockId(enum.StrEnum):
    """Prefixes: a card's blocks end in ``.v<version>``, new on every chat.update as Slack's
    reference asks ("If a message is updated, use a new block_id")."""

    CARD_SUMMARY = "card_summary"
    CARD_CHECKLIST = "card_checklist"
    CARD_ACTIONS = "card_actions"
    DETAILS_SAVE = "details_save"


def menu_option_value(action: Action, handoff_id: int) -> str:
    return f"{action}:{handoff_id}"


def parse_menu_option(value: str) -> tuple[Action, int] | None:
    """The action and handoff an overflow option names; None for anything else."""
    action, _, handoff = value.rpartition(":")
    if action not in Action.__members__.values() or not handoff.isdigit():
        return None
    return Action(action), int(handoff)


# Web API methods the app calls, with the bot scope each needs. manifest.yml's bot scopes
# must be exactly these plus the ones features need without a method call (commands).
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.getPermalink": (),  # the card's link for the CRM; Slack asks no scope for it
    "conversations.create": ("channels:manage",),
    # Deal channels may be private: each conversation method needs the groups:* scope too.
    "conversations.list": ("channels:read", "groups:read"),
    "conversations.info": ("channels:read", "groups:read"),
    "conversations.join": ("channels:join",),
    "conversations.invite": ("channels:manage", "groups:write"),
    "conversations.history": ("channels:history", "groups:history"),
    "conversations.members": ("channels:read", "groups:read"),
    "users.lookupByEmail": ("users:read.email", "users:read"),
    "users.info": ("users:read",),
    "usergroups.list": ("usergroups:read",),
    "usergroups.users.list": ("usergroups:read",),
    "views.open": (),
    "views.update": (),
    "views.push": (),
    "conversations.open": ("im:write",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "views.publish": (),
    "files.info": ("files:read",),
    "chat.postEphemeral": ("chat:write",),
    # The brief as the deal channel's canvas: create it, keep it current, find our section
    # in a canvas the channel already had.
    "conversations.canvases.create": ("canvases:write",),
    "canvases.edit": ("canvases:write",),
    "canvases.sections.lookup": ("canvases:read",),
}
FEATURE_SCOPES: tuple[str, ...] = ("commands",)
