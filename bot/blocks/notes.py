"""One-line notes in the card's thread, one per meaningful change."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.blocks.brief import brief_message
from bot.blocks.commitments import agenda_commitments, review_button
from bot.blocks.sync_meeting import AGENDA, outcomes_text
from bot.blocks.text import STATUS_MARKERS, escape, slack_date, truncate
from bot.delivery.ports import RenderedMessage
from bot.domain.read_models import AuditAction, HandoffCard, HandoffStatus


def agenda_message(text: str, card: HandoffCard) -> RenderedMessage:
    """The sync's agenda; with commitments to review, they are listed with a button that
    opens the review (the owner confirms or drops each)."""
    listed = agenda_commitments(card)
    if not listed:
        return RenderedMessage(text=text, blocks=[])
    text = f"{text}\n\n{listed}"
    blocks = [SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000))), review_button(card)]
    return RenderedMessage(text=truncate(text, 3000), blocks=[b.to_dict() for b in blocks])


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
        return agenda_message(text, card)
    if action is AuditAction.OUTCOMES_CAPTURED:
        text = f":clipboard: {actor} captured the sync outcomes.\n\n{outcomes_text(note)}"
        return RenderedMessage(text=text, blocks=[])
    if action is AuditAction.MARKED_READY:
        ready = STATUS_MARKERS[HandoffStatus.READY]
        return brief_message(card, f"{ready} {actor} marked this handoff ready.")
    if action.value.startswith("commitment_"):
        return RenderedMessage(text=commitment_note(action.value, actor, note), blocks=[])
    return RenderedMessage(text=_one_line(action, actor, before, after, note), blocks=[])


def _one_line(
    action: AuditAction, actor: str, before: object, after: object, note: dict[str, object]
) -> str:
    match action:
        case AuditAction.CLAIMED:
            return f":raising_hand: {_user(after)} claimed this handoff and owns it now."
        case AuditAction.REASSIGNED:
            return (
                f":arrows_counterclockwise: {actor} reassigned this handoff "
                f"from {_user(before)} to {_user(after)}."
            )
        case AuditAction.RELEASED:
            return (
                f":leftwards_arrow_with_hook: {actor} released this handoff; it is unclaimed again."
            )
        case AuditAction.FIELD_SET:
            return f":pencil2: {actor} updated {_labels(note)}."
        case AuditAction.EXCEPTION_GRANTED:
            reason = escape(truncate(str(note.get("reason", "")), 300))
            return f":large_orange_diamond: {actor} granted an exception: “{reason}”{_until(note)}."
        case AuditAction.CLOSED_WON:
            stage = escape(str(note.get("stage")))
            return f":tada: The deal is {stage}: the handoff starts now{_due(note)}."
        case AuditAction.DEAL_LOST:
            stage = escape(str(note.get("stage")))
            closed = STATUS_MARKERS[HandoffStatus.CANCELLED]
            return f"{closed} The deal is {stage}: this handoff is closed. Nothing more to do."
        case AuditAction.ACKNOWLEDGED:
            return f":thumbsup: {actor} is on it."
        case AuditAction.EXCEPTION_EXPIRED:
            return (
                f"{STATUS_MARKERS[HandoffStatus.HELD]} The exception ended ({note.get('until')}); "
                "the handoff is held until the required fields are filled."
            )
        case AuditAction.KICKOFF_HELD:
            return f":calendar: {actor} recorded the customer kickoff ({note.get('day')})."
        case AuditAction.FIRST_VALUE:
            return f":dart: {actor} recorded that the customer reached first value."
        case AuditAction.ONBOARDING_DONE:
            return f":checkered_flag: {actor} recorded onboarding complete."
        case AuditAction.FEEDBACK_SENT:
            return f":memo: {actor} sent the two-week feedback to the AE."
        case AuditAction.ESCALATED:
            return ":rotating_light: The SLA is breached; this handoff was escalated."
        case AuditAction.CONTEXT_FORGOTTEN:
            return (
                f":wastebasket: {actor} deleted what Handoff had stored from this deal's calls "
                "and channel; confirmed values stay."
            )
        case AuditAction.FIELD_CONFLICT:
            label = escape(str(note.get("label")))
            return (
                f":warning: The CRM has a different *{label}* from the one entered in Slack; "
                "the entered value stands (the CRM's is on the card)."
            )
    return f"{action.value.replace('_', ' ').capitalize()} by {actor}."


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


def commitment_note(action: str, actor: str, note: dict[str, object]) -> str:
    """The thread note of a ledger change."""
    verbs = {
        "commitment_proposed": "proposed",
        "commitment_edited": "edited",
        "commitment_split": "split",
        "commitment_merged": "merged",
        "commitment_confirmed": "confirmed",
        "commitment_dropped": "dropped",
        "commitment_delivered": "marked delivered",
        "commitment_at_risk": "marked at risk",
    }
    if action == "commitment_overdue":
        return (
            f":warning: A commitment is overdue: “{escape(truncate(str(note.get('text')), 300))}”."
        )
    texts = note.get("texts")
    if isinstance(texts, list):
        found = "; ".join(f"“{escape(truncate(str(t), 150))}”" for t in texts[:5])
        return f":mag: Found in the deal's calls, proposed as commitments: {found}."
    what = escape(truncate(str(note.get("text", "")), 300))
    why = f" ({escape(str(note['reason']))})" if note.get("reason") else ""
    return f":handshake: {actor} {verbs.get(action, 'changed')} the commitment “{what}”{why}."
