"""The handoff card posted to the deal channel: a pure function of the handoff's state."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.blocks.text import escape, money, plural, slack_date, truncate, user_mention
from bot.domain import HandoffCard, RenderedMessage
from bot.ids import Action, BlockId
from storage.enums import HandoffStatus

STATUS_LABELS = {
    HandoffStatus.UPCOMING: ":crystal_ball: Upcoming",
    HandoffStatus.HELD: ":double_vertical_bar: Held",
    HandoffStatus.OPEN: ":large_blue_circle: Open",
    HandoffStatus.READY: ":white_check_mark: Handoff ready",
    HandoffStatus.CANCELLED: ":no_entry_sign: Closed",
}


def status_line(card: HandoffCard) -> str:
    label = STATUS_LABELS[card.status]
    missing = len(card.missing_required)
    if card.status is HandoffStatus.HELD and missing:
        return f"{label} — {plural(missing, 'required field')} missing"
    if card.status is HandoffStatus.OPEN and card.owner_slack_id is None:
        return f"{label} — waiting for a CSM to claim it"
    return label


def render_card(card: HandoffCard) -> RenderedMessage:
    return RenderedMessage(text=card_text(card), blocks=[b.to_dict() for b in card_blocks(card)])


def card_text(card: HandoffCard) -> str:
    account = f" ({escape(card.account_name)})" if card.account_name else ""
    owner = f"<@{card.owner_slack_id}>" if card.owner_slack_id else "unclaimed"
    status = status_line(card).split(" ", 1)[1]
    return f"Handoff for {escape(card.deal_name)}{account}: {status}. Owner: {owner}."


def card_blocks(card: HandoffCard) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=truncate(f"Handoff: {card.deal_name}", 150))),
        SectionBlock(block_id=BlockId.CARD_SUMMARY, fields=_summary_fields(card)),
        SectionBlock(
            block_id=BlockId.CARD_CHECKLIST, text=MarkdownTextObject(text=_checklist(card))
        ),
        ContextBlock(elements=[MarkdownTextObject(text=_context(card))]),
    ]
    if card.deal_url:
        blocks.append(
            ActionsBlock(
                block_id=BlockId.CARD_ACTIONS,
                elements=[
                    ButtonElement(
                        text="Open in CRM",
                        action_id=Action.OPEN_CRM_RECORD,
                        url=card.deal_url,
                    )
                ],
            )
        )
    return blocks


def _summary_fields(card: HandoffCard) -> list[MarkdownTextObject]:
    owner = f"<@{card.owner_slack_id}>" if card.owner_slack_id else "_Unclaimed_"
    sla = f"Ready by {slack_date(card.sla_due_at)}" if card.sla_due_at else "—"
    pairs = [
        ("Account", escape(card.account_name) if card.account_name else "—"),
        ("Amount", money(card.amount, card.currency)),
        ("AE", user_mention(card.ae_slack_id, card.ae_email)),
        ("Owner", owner),
        ("Status", status_line(card)),
        ("SLA", sla),
    ]
    return [MarkdownTextObject(text=truncate(f"*{name}*\n{value}", 2000)) for name, value in pairs]


def _checklist(card: HandoffCard) -> str:
    required = [line for line in card.fields if line.required]
    optional = [line for line in card.fields if not line.required]
    done = sum(1 for line in required if line.present)
    rows = [f"*Required fields* ({done}/{len(required)})"]
    rows += [
        f":white_check_mark: {escape(line.label)}"
        if line.present
        else f":white_large_square: {escape(line.label)} — _missing_"
        for line in required
    ]
    if optional:
        present = ", ".join(escape(line.label) for line in optional if line.present) or "none yet"
        rows.append(f"_Optional:_ {present}")
    return truncate("\n".join(rows), 3000)


def _context(card: HandoffCard) -> str:
    parts = [f"Stage: {escape(card.stage)}"]
    if card.close_date:
        parts.append(f"Closed {card.close_date:%d %b %Y}")
    parts.append(f"CRM id {escape(card.deal_id)}")
    return truncate(" · ".join(parts), 3000)
