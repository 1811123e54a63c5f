"""The /handoff help reply."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.domain import RenderedMessage
from bot.ids import Command

HELP_TEXT = (
    "*Handoff* moves every won deal from sales to customer success without dropping context.\n"
    "When a deal closes in the CRM, a handoff card appears in the deal's channel with the "
    "required fields checklist, the owner and the SLA."
)


def render_help() -> RenderedMessage:
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=HELP_TEXT)),
        SectionBlock(
            text=MarkdownTextObject(text=f"*Commands*\n`{Command.HANDOFF} help` — this message")
        ),
        ContextBlock(elements=[MarkdownTextObject(text="Only you can see this reply.")]),
    ]
    return RenderedMessage(
        text="Handoff help: /handoff help", blocks=[block.to_dict() for block in blocks]
    )
