"""SLA nudges (with Snooze and I'm on it) and breach escalations."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.feedback import feedback_text
from bot.blocks.text import escape, slack_date, truncate
from bot.delivery.ports import RenderedMessage
from bot.domain.commitments import CommitmentStatus
from bot.domain.read_models import HandoffCard
from bot.slack.ids import Action

WHY = {
    "unclaimed": "is waiting for a CSM to claim it",
    "fields": "is held: required fields are missing",
    "review": "is waiting for a reviewer's sign-off",
}
FIRST_STEP = {
    "unclaimed": ("Claim", Action.CLAIM),
    "fields": ("Add details", Action.ADD_DETAILS),
    "review": ("View brief", Action.VIEW_BRIEF),
}


def _where(card: HandoffCard) -> str:
    return f" (card in <#{card.channel_id}>)" if card.channel_id else ""


def _missing(card: HandoffCard, reason: str) -> str:
    if reason != "fields" or not card.missing_required:
        return ""
    return "\nMissing: " + ", ".join(escape(line.label) for line in card.missing_required)


def render_nudge(payload: dict[str, object], card: HandoffCard) -> RenderedMessage:
    reason = str(payload.get("blocker", "unclaimed"))
    if reason == "feedback":
        return _feedback_request(payload, card)
    if reason == "feedback_delivered":
        return _feedback_delivered(payload, card)
    if reason == "sync_reminder":
        start = slack_date(card.sync_at, "{time}") if card.sync_at else "soon"
        text = f":bell: The handoff sync for *{escape(card.deal_name)}* starts at {start}."
        return RenderedMessage(text=text, blocks=[])
    if reason == "sync_outcomes":
        return _outcomes_prompt(card)
    if reason == "commitment_due":
        return _commitment_due(payload, card)
    due = f" The SLA ends {slack_date(card.sla_due_at)}." if card.sla_due_at else ""
    text = (
        f":alarm_clock: *{escape(card.deal_name)}*{_where(card)} {WHY.get(reason, 'needs you')}."
        f"{due}{_missing(card, reason)}"
    )
    label, action = FIRST_STEP.get(reason, ("View brief", Action.VIEW_BRIEF))
    value = str(card.handoff_id)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            elements=[
                ButtonElement(text=label, action_id=action, value=value, style="primary"),
                ButtonElement(text="Snooze 1 day", action_id=Action.NUDGE_SNOOZE, value=value),
                ButtonElement(text="I'm on it", action_id=Action.NUDGE_ACK, value=value),
            ]
        ),
    ]
    return RenderedMessage(text=text, blocks=[b.to_dict() for b in blocks])


def render_escalation(payload: dict[str, object], card: HandoffCard) -> RenderedMessage:
    reason = str(payload.get("blocker", "unclaimed"))
    owner = f"<@{card.owner_slack_id}>" if card.owner_slack_id else "unclaimed"
    due = slack_date(card.sla_due_at) if card.sla_due_at else "its SLA"
    text = (
        f":rotating_light: *SLA breached:* *{escape(card.deal_name)}*{_where(card)} was due "
        f"{due} and {WHY.get(reason, 'is not ready')}. Owner: {owner}.{_missing(card, reason)}"
    )
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=text),
            accessory=ButtonElement(
                text="View brief", action_id=Action.VIEW_BRIEF, value=str(card.handoff_id)
            ),
        )
    ]
    return RenderedMessage(text=text, blocks=[b.to_dict() for b in blocks])


def _feedback_request(payload: dict[str, object], card: HandoffCard) -> RenderedMessage:
    again = "Reminder: it" if payload.get("reminder") else "It"
    ae = f"<@{card.ae_slack_id}>" if card.ae_slack_id else "the AE"
    text = (
        f":speech_balloon: {again} is two weeks since the kickoff of *{escape(card.deal_name)}*: "
        f"tell {ae} how the handoff went: what went well, what context was missing, and how "
        "accurate each handoff field turned out."
    )
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=text),
            accessory=ButtonElement(
                text="Write feedback",
                action_id=Action.WRITE_FEEDBACK,
                value=str(card.handoff_id),
                style="primary",
            ),
        )
    ]
    return RenderedMessage(text=text, blocks=[b.to_dict() for b in blocks])


def _feedback_delivered(payload: dict[str, object], card: HandoffCard) -> RenderedMessage:
    answers = payload.get("answers")
    labels = {line.key: line.label for line in card.fields}
    body = feedback_text(answers if isinstance(answers, dict) else {}, labels)
    deal = escape(card.deal_name)
    head = f":memo: <@{payload.get('from')}> sent feedback on the handoff of *{deal}*"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=head)),
        SectionBlock(text=MarkdownTextObject(text=body)),
    ]
    return RenderedMessage(
        text=f"{head}.{_promises_kept(card)}", blocks=[b.to_dict() for b in blocks]
    )


def _promises_kept(card: HandoffCard) -> str:
    """The fallback text says where the promises made in the sale stand (the AE's question)."""
    if not card.commitments:
        return ""
    said = "; ".join(
        f"“{escape(truncate(c.text, 80))}”: {c.label}"
        for c in card.commitments
        if c.status is not CommitmentStatus.PROPOSED
    )
    return f" Commitments: {said}." if said else ""


def _outcomes_prompt(card: HandoffCard) -> RenderedMessage:
    text = (
        f":clipboard: The handoff sync for *{escape(card.deal_name)}* is over: capture the "
        "summary, action items and concerns while they are fresh."
    )
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=text),
            accessory=ButtonElement(
                text="Capture outcomes",
                action_id=Action.CAPTURE_OUTCOMES,
                value=str(card.handoff_id),
                style="primary",
            ),
        )
    ]
    return RenderedMessage(text=text, blocks=[b.to_dict() for b in blocks])


def _commitment_due(payload: dict[str, object], card: HandoffCard) -> RenderedMessage:
    """The one reminder before a commitment is due, to its owner."""
    due = str(payload.get("due_on") or "")
    when = f" It is due {escape(due)}." if due else ""
    what = escape(str(payload.get("text", "")))
    text = (
        f":alarm_clock: A promise made to *{escape(card.account_name or card.deal_name)}* is "
        f"yours to keep: “{what}”.{when}"
    )
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=text),
            accessory=ButtonElement(
                text="Commitments", action_id=Action.COMMITMENTS, value=str(card.handoff_id)
            ),
        )
    ]
    return RenderedMessage(text=text, blocks=[b.to_dict() for b in blocks])
