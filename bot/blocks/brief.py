"""The one-page handoff brief: as a modal, and in the card's thread once ready."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.card import status_line
from bot.blocks.suggestions import confirmed_from
from bot.blocks.text import escape, money, slack_date, truncate, user_mention
from bot.delivery.ports import RenderedMessage
from bot.domain.read_models import FieldLine, HandoffCard
from bot.slack.ids import View as ViewId

HEADINGS = {
    "primary_use_case": "Goals — primary use case",
    "success_metrics": "Success metrics",
    "customer_timeline": "Timeline",
    "decision_makers": "Stakeholders — decision makers",
    "risks": "Risks",
    "promises_made": "Commitments made in the sale",
    "call_recordings": "Call recordings",
}
ORDER = list(HEADINGS)


def brief_blocks(card: HandoffCard) -> list[Block]:
    owner = f"<@{card.owner_slack_id}>" if card.owner_slack_id else "_Unclaimed_"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=truncate(f"Brief: {card.deal_name}", 150))),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Account*\n{escape(card.account_name or '—')}"),
                MarkdownTextObject(text=f"*Amount*\n{money(card.amount, card.currency)}"),
                MarkdownTextObject(text=f"*AE*\n{user_mention(card.ae_slack_id, card.ae_email)}"),
                MarkdownTextObject(text=f"*Owner*\n{owner}"),
                MarkdownTextObject(text=f"*Status*\n{status_line(card)}"),
            ]
        ),
        DividerBlock(),
    ]
    ordered = sorted(
        card.fields, key=lambda line: ORDER.index(line.key) if line.key in ORDER else len(ORDER)
    )
    for line in ordered:
        heading = HEADINGS.get(line.key, line.label)
        body = escape(line.value) if line.present and line.value else "_Not known yet._"
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=truncate(f"*{heading}*\n{body}", 3000)))
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_who(line))]))
    if card.exception:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Exception by <@{card.exception.by}>: "
                        f"“{escape(truncate(card.exception.reason, 500))}”"
                    )
                ]
            )
        )
    return blocks


def _who(line: FieldLine) -> str:
    if not line.present:
        return "Required — missing" if line.required else "Optional"
    credit = confirmed_from(line)
    if credit:
        return credit
    if line.set_by and line.updated_at:
        return f"Entered by <@{line.set_by}> {slack_date(line.updated_at, '{date_short_pretty}')}"
    return "From the CRM"


def brief_modal(card: HandoffCard) -> dict[str, object]:
    view = View(
        type="modal",
        callback_id=ViewId.BRIEF,
        title="Handoff brief",
        close="Close",
        blocks=brief_blocks(card),
    )
    view.validate_json()
    return view.to_dict()


def brief_message(card: HandoffCard, intro: str) -> RenderedMessage:
    blocks = [SectionBlock(text=MarkdownTextObject(text=intro)), *brief_blocks(card)]
    return RenderedMessage(
        text=f"{intro} Handoff brief for {escape(card.deal_name)}.",
        blocks=[block.to_dict() for block in blocks],
    )
