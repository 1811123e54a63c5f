"""Where handoffs stand, as lines: /handoff replies and the App Home share them."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.card import STATUS_LABELS, checklist, status_line
from bot.blocks.commitments import commitment_line
from bot.blocks.text import escape, plural, slack_date, truncate
from bot.delivery.ports import RenderedMessage
from bot.domain.commitments import CommitmentListing
from bot.domain.read_models import (
    AuditLine,
    HandoffCard,
    HandoffStatus,
    HandoffSummary,
)
from bot.slack.ids import Action, Command

HELP_LINES = [
    ("help", "this message"),
    ("status <account or deal>", "where one handoff stands"),
    ("mine", "handoffs where you are the AE, the owner or the reviewer"),
    ("queue", "handoffs waiting for a CSM to claim them"),
    ("overdue", "handoffs past their SLA, and overdue commitments"),
    ("commitments [mine|overdue|<account>]", "promises made in the sale and where they stand"),
    ("history <account or deal>", "who changed what, and when"),
    ("report", "last week's KPIs, with a chart, in your DM"),
    ("forget <account or deal>", "admins: delete a deal's stored calls and channel messages"),
]


def summary_line(item: HandoffSummary) -> str:
    account = f" ({escape(item.account_name)})" if item.account_name else ""
    parts = [STATUS_LABELS[item.status]]
    if item.status is HandoffStatus.HELD and item.missing:
        parts[0] += f" — {plural(item.missing, 'field')} missing"
    parts.append(f"Owner <@{item.owner_slack_id}>" if item.owner_slack_id else "Unclaimed")
    if item.sla_due_at and item.status in (HandoffStatus.HELD, HandoffStatus.OPEN):
        parts.append(f"Due {slack_date(item.sla_due_at, '{date_short_pretty} {time}')}")
    if item.channel_id:
        parts.append(f"<#{item.channel_id}>")
    return truncate(f"*{escape(item.deal_name)}*{account}\n" + " · ".join(parts), 3000)


def item_block(item: HandoffSummary, *, claimable: bool = False) -> SectionBlock:
    accessory = (
        ButtonElement(
            text="Claim", action_id=Action.CLAIM, value=str(item.handoff_id), style="primary"
        )
        if claimable and item.owner_slack_id is None
        else ButtonElement(
            text="View brief", action_id=Action.VIEW_BRIEF, value=str(item.handoff_id)
        )
    )
    return SectionBlock(text=MarkdownTextObject(text=summary_line(item)), accessory=accessory)


def list_message(
    title: str, items: Sequence[HandoffSummary], *, empty: str, claimable: bool = False
) -> RenderedMessage:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{title}*"))]
    if not items:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=empty)))
    blocks += [item_block(item, claimable=claimable) for item in items[:15]]
    text = f"{title}: {len(items)}" if items else f"{title}: {empty}"
    return RenderedMessage(text=text, blocks=[block.to_dict() for block in blocks])


def grouped_message(groups: Sequence[tuple[str, Sequence[HandoffSummary]]]) -> RenderedMessage:
    blocks: list[Block] = []
    for title, items in groups:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{title}*")))
        if not items:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text="Nothing here.")]))
        blocks += [item_block(item) for item in items[:10]]
    total = sum(len(items) for _, items in groups)
    return RenderedMessage(text=f"Your handoffs: {total}", blocks=[b.to_dict() for b in blocks])


def status_message(card: HandoffCard) -> RenderedMessage:
    owner = f"Owner <@{card.owner_slack_id}>" if card.owner_slack_id else "Unclaimed"
    where = f" · Card in <#{card.channel_id}>" if card.channel_id else ""
    head = (
        f"*{escape(card.deal_name)}*"
        + (f" ({escape(card.account_name)})" if card.account_name else "")
        + f"\n{status_line(card)} · {owner}{where}"
    )
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=truncate(head, 3000)),
            accessory=ButtonElement(
                text="View brief", action_id=Action.VIEW_BRIEF, value=str(card.handoff_id)
            ),
        ),
        SectionBlock(text=MarkdownTextObject(text=checklist(card))),
    ]
    return RenderedMessage(
        text=f"{card.deal_name}: {status_line(card).split(' ', 1)[1]}",
        blocks=[block.to_dict() for block in blocks],
    )


def matches_message(query: str, cards: Sequence[HandoffCard]) -> RenderedMessage:
    if not cards:
        return _plain(
            f"No handoff matches “{escape(query)}”. Try part of the account or deal name."
        )
    lines = [f"Several handoffs match “{escape(query)}” — be more specific:"]
    lines += [
        f"• *{escape(c.deal_name)}*" + (f" ({escape(c.account_name)})" if c.account_name else "")
        for c in cards
    ]
    return _plain(truncate("\n".join(lines), 3000))


def history_message(card: HandoffCard, lines: Sequence[AuditLine]) -> RenderedMessage:
    rows = [f"*History of {escape(card.deal_name)}*"]
    for line in lines[-40:]:
        who = (
            "the CRM"
            if line.actor == "crm"
            else "Handoff"
            if line.actor == "handoff"
            else f"<@{line.actor}>"
        )
        rows.append(f"{slack_date(line.at, '{date_short} {time}')} · {who} · {describe(line)}")
    return _plain(truncate("\n".join(rows), 3000))


def describe(line: AuditLine) -> str:
    text = _describe(line)
    return text[:1].upper() + text[1:]


def _describe(line: AuditLine) -> str:
    detail = line.detail
    owner = detail.get("owner")
    if isinstance(owner, list) and len(owner) == 2:
        before = f"<@{owner[0]}>" if owner[0] else "nobody"
        after = f"<@{owner[1]}>" if owner[1] else "nobody"
        return f"{line.action.replace('_', ' ')}: owner {before} → {after}"
    changes = detail.get("changes")
    if isinstance(changes, dict) and changes:
        parts = []
        for key, value in list(changes.items())[:4]:
            if isinstance(value, list) and len(value) == 2:
                parts.append(f"{key}: {_short(value[0])} → {_short(value[1])}")
            else:
                parts.append(str(key))
        return f"{line.action.replace('_', ' ')}: " + "; ".join(parts)
    if "reason" in detail:
        return f"{line.action.replace('_', ' ')}: “{_short(detail['reason'])}”"
    return line.action.replace("_", " ")


def _short(value: object) -> str:
    return "—" if value in (None, "") else escape(truncate(str(value), 60))


def help_message() -> RenderedMessage:
    rows = "\n".join(f"`{Command.HANDOFF} {usage}` — {what}" for usage, what in HELP_LINES)
    blocks: list[Block] = [
        HeaderBlock(text="Handoff"),
        SectionBlock(
            text=MarkdownTextObject(
                text="Handoff moves every won deal from sales to customer success without "
                "dropping context: a card in the deal's channel with the required fields, one "
                "owner, a reviewer's sign-off and an SLA."
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=rows)),
        ContextBlock(elements=[MarkdownTextObject(text="Only you can see this reply.")]),
    ]
    return RenderedMessage(
        text="Handoff help: /handoff help | status | mine | queue | overdue | commitments | "
        "history | report",
        blocks=[b.to_dict() for b in blocks],
    )


def _plain(text: str) -> RenderedMessage:
    return RenderedMessage(
        text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]
    )


def commitments_message(
    title: str, listings: Sequence[CommitmentListing], *, empty: str
) -> RenderedMessage:
    """Commitments with the deal each was made on: `/handoff commitments` and overdue."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{title}*"))]
    if not listings:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=empty)))
    for item in listings[:20]:
        account = f" ({escape(item.account_name)})" if item.account_name else ""
        where = f" · <#{item.channel_id}>" if item.channel_id else ""
        line = f"{commitment_line(item.commitment)}\n_{escape(item.deal_name)}{account}_{where}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(line, 3000))))
    text = f"{title}: {len(listings)}" if listings else f"{title}: {empty}"
    return RenderedMessage(text=text, blocks=[block.to_dict() for block in blocks])
