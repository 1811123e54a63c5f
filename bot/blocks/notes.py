"""One-line notes in the card's thread, one per meaningful change."""

from __future__ import annotations

from datetime import datetime

from bot.blocks.brief import brief_message
from bot.blocks.sync_meeting import AGENDA, outcomes_text
from bot.blocks.text import escape, slack_date, truncate
from bot.delivery.ports import RenderedMessage
from bot.domain.read_models import AuditAction, HandoffCard


def _user(value: object) -> str:
    return f"<@{value}>" if value else "nobody"


def render_note(note: dict[str, object], card: HandoffCard) -> RenderedMessage:
    action = AuditAction(str(note["action"]))
    actor = _user(note.get("actor"))
    owner = note.get("owner")
    before, after = owner if isinstance(owner, list) else (None, None)
    if action is AuditAction.SYNC_SCHEDULED:
        start = slack_date(datetime.fromisoformat(str(note["start"])))
        attendees = note.get("attendees")
        people = ", ".join(f"<@{p}>" for p in attendees) if isinstance(attendees, list) else ""
        text = (
            f":handshake: {actor} scheduled the handoff sync: {start}, {note.get('minutes')} "
            f"minutes, with {people}.\n\n{AGENDA}"
        )
        return RenderedMessage(text=text, blocks=[])
    if action is AuditAction.OUTCOMES_CAPTURED:
        text = f":clipboard: {actor} captured the sync outcomes.\n\n{outcomes_text(note)}"
        return RenderedMessage(text=text, blocks=[])
    if action is AuditAction.MARKED_READY:
        return brief_message(card, f":white_check_mark: {actor} marked this handoff ready.")
    text = {
        AuditAction.CLAIMED: f":raising_hand: {_user(after)} claimed this handoff and owns it now.",
        AuditAction.REASSIGNED: f":arrows_counterclockwise: {actor} reassigned this handoff "
        f"from {_user(before)} to {_user(after)}.",
        AuditAction.RELEASED: f":leftwards_arrow_with_hook: {actor} released this handoff; "
        "it is unclaimed again.",
        AuditAction.FIELD_SET: f":pencil2: {actor} updated {_labels(note)}.",
        AuditAction.EXCEPTION_GRANTED: f":large_orange_diamond: {actor} granted an exception: "
        f"“{escape(truncate(str(note.get('reason', '')), 300))}”{_until(note)}.",
        AuditAction.CLOSED_WON: f":tada: The deal is {escape(str(note.get('stage')))}: the handoff "
        f"starts now{_due(note)}.",
        AuditAction.DEAL_LOST: f":no_entry_sign: The deal is {escape(str(note.get('stage')))}: "
        "this handoff is closed. Nothing more to do.",
        AuditAction.ACKNOWLEDGED: f":thumbsup: {actor} is on it.",
        AuditAction.EXCEPTION_EXPIRED: ":double_vertical_bar: The exception ended "
        f"({note.get('until')}); the handoff is held until the required fields are filled.",
        AuditAction.KICKOFF_HELD: f":calendar: {actor} recorded the customer kickoff "
        f"({note.get('day')}).",
        AuditAction.FIRST_VALUE: f":dart: {actor} recorded that the customer reached first value.",
        AuditAction.ONBOARDING_DONE: f":checkered_flag: {actor} recorded onboarding complete.",
        AuditAction.FEEDBACK_SENT: f":memo: {actor} sent the two-week feedback to the AE.",
        AuditAction.ESCALATED: ":rotating_light: The SLA is breached; this handoff was escalated.",
        AuditAction.FIELD_CONFLICT: f":warning: The CRM has a different "
        f"*{escape(str(note.get('label')))}* from the one entered in Slack; the entered value "
        "stands (the CRM's is on the card).",
    }.get(action, f"{actor}: {action.value.replace('_', ' ')}.")
    return RenderedMessage(text=text, blocks=[])


def _labels(note: dict[str, object]) -> str:
    labels = note.get("labels")
    if isinstance(labels, list) and labels:
        return ", ".join(escape(str(label)) for label in labels)
    return "the handoff details"


def _until(note: dict[str, object]) -> str:
    until = note.get("until")
    return f" (until {until})" if until else ""


def _due(note: dict[str, object]) -> str:
    due = note.get("due")
    return f"; ready by {slack_date(datetime.fromisoformat(str(due)))}" if due else ""
