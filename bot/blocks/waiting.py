"""The card's line about suggestions from calls and the deal channel that wait for the AE."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject

from bot.blocks.text import plural
from bot.domain.read_models import HandoffCard, HandoffStatus


def waiting_blocks(card: HandoffCard) -> list[Block]:
    """The card's line saying how many suggestions wait for the AE (none: no line)."""
    count = card.suggestions_waiting
    if not count or card.status not in (
        HandoffStatus.UPCOMING,
        HandoffStatus.HELD,
        HandoffStatus.OPEN,
    ):
        return []
    who = f"<@{card.ae_slack_id}>" if card.ae_slack_id else "the AE"
    verb = "waits" if count == 1 else "wait"
    then = (
        "once the deal closes, *Add details* shows them with their quotes"
        if card.status is HandoffStatus.UPCOMING
        else "*Add details* shows each with the quote it came from"
    )
    text = (
        f":bulb: {plural(count, 'suggestion')} from calls and the deal channel {verb} for "
        f"{who} — {then}."
    )
    return [ContextBlock(elements=[MarkdownTextObject(text=text)])]
