"""The handoff sync: the scheduling modal, the agenda, the invite, the outcomes."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    UserMultiSelectElement,
)

from bot.blocks.calendar_invite import google_link, ics, outlook_link
from bot.blocks.modals import modal
from bot.blocks.text import escape, slack_date, truncate
from bot.delivery.ports import RenderedMessage
from bot.domain.read_models import HandoffCard
from bot.slack.ids import Input
from bot.slack.ids import View as ViewId

AGENDA = (
    "*Agenda*\n"
    "1. AE: deal context — why they bought, who matters, what was promised\n"
    "2. AE: customer expectations and timeline\n"
    "3. AE: risks and open questions\n"
    "4. CSM: confirm readiness for the customer kickoff\n"
    "5. Capture outcomes: summary, action items with owners, concerns"
)


def sync_modal(card: HandoffCard, attendees: list[str]) -> dict[str, object]:
    durations = [Option(value=str(m), label=f"{m} minutes") for m in (15, 20, 30)]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=AGENDA)),
        InputBlock(
            block_id=Input.SYNC_START,
            label="When",
            element=DateTimePickerElement(action_id=Input.VALUE),
        ),
        InputBlock(
            block_id=Input.SYNC_MINUTES,
            label="How long",
            element=RadioButtonsElement(
                action_id=Input.VALUE, options=durations, initial_option=durations[0]
            ),
        ),
        InputBlock(
            block_id=Input.SYNC_ATTENDEES,
            label="Who",
            element=UserMultiSelectElement(action_id=Input.VALUE, initial_users=attendees or None),
            hint="Each gets a DM with the calendar invite and a reminder 15 minutes before.",
        ),
    ]
    return modal(ViewId.SYNC, "Schedule handoff sync", card, blocks, submit="Schedule")


def outcomes_modal(card: HandoffCard) -> dict[str, object]:
    def text(block_id: str, label: str, optional: bool = False) -> InputBlock:
        return InputBlock(
            block_id=block_id,
            label=label,
            optional=optional,
            element=PlainTextInputElement(action_id=Input.VALUE, multiline=True, max_length=2000),
        )

    blocks: list[Block] = [
        text(Input.OUTCOME_SUMMARY, "Summary"),
        text(Input.OUTCOME_ACTIONS, "Action items (with owners)"),
        text(Input.OUTCOME_CONCERNS, "Flagged concerns", optional=True),
    ]
    return modal(ViewId.OUTCOMES, "Sync outcomes", card, blocks, submit="Save")


def invite_message(card: HandoffCard, google: str, outlook: str) -> RenderedMessage:
    start = slack_date(card.sync_at) if card.sync_at else "soon"
    text = (
        f":handshake: Handoff sync for *{escape(card.deal_name)}*: {start}, "
        f"{card.sync_minutes} minutes. The invite is attached; or add it to "
        f"<{google}|Google Calendar> / <{outlook}|Outlook>."
    )
    return RenderedMessage(text=truncate(text, 3000), blocks=[])


def sync_invite(card: HandoffCard, now: datetime) -> tuple[RenderedMessage, bytes]:
    """The DM each attendee gets, and the .ics file attached to it."""
    assert card.sync_at is not None and card.sync_minutes is not None
    title, start, minutes = f"Handoff sync: {card.deal_name}", card.sync_at, card.sync_minutes
    details = invite_description(card)
    content = ics(
        uid=f"handoff-{card.handoff_id}-sync@handoff",
        title=title,
        start=start,
        minutes=minutes,
        description=details,
        now=now,
    )
    google = google_link(title=title, start=start, minutes=minutes, description=details)
    outlook = outlook_link(title=title, start=start, minutes=minutes, description=details)
    return invite_message(card, google, outlook), content


def invite_description(card: HandoffCard) -> str:
    plain = AGENDA.replace("*", "")
    return f"Handoff sync for {card.deal_name}.\n\n{plain}"


def outcomes_text(outcomes: dict[str, object]) -> str:
    parts = [
        f"*Summary*\n{escape(str(outcomes.get('summary') or '—'))}",
        f"*Action items*\n{escape(str(outcomes.get('action_items') or '—'))}",
        f"*Concerns*\n{escape(str(outcomes.get('concerns') or 'None flagged'))}",
    ]
    return truncate("\n\n".join(parts), 2900)
