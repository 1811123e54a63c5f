"""The App Home: my handoffs by role, the unclaimed queue for CSMs, the overdue ones."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.lists import item_block
from bot.domain.read_models import HandoffSummary, HomeData

PER_GROUP = 10


def home_view(home: HomeData) -> dict[str, object]:
    blocks: list[Block] = [HeaderBlock(text="Your handoffs")]
    groups: list[tuple[str, Sequence[HandoffSummary], bool, str]] = [
        ("As AE", home.as_ae, False, "No open handoffs for deals you sold."),
        ("As owner", home.as_owner, False, "You own no handoff right now."),
    ]
    if home.is_reviewer:
        groups.append(("Awaiting your review", home.awaiting_review, False, "Nothing to review."))
    if home.is_csm:
        groups.append(("Unclaimed queue", home.queue, True, "Every handoff has an owner."))
    groups.append(("Overdue", home.overdue, False, "Nothing is past its SLA."))
    for title, items, claimable, empty in groups:
        blocks.append(DividerBlock())
        count = f" ({len(items)})" if items else ""
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{title}*{count}")))
        if not items:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=empty)]))
        blocks += [item_block(item, claimable=claimable) for item in items[:PER_GROUP]]
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text="Type `/handoff help` anywhere for commands.")]
        )
    )
    view = View(type="home", blocks=blocks)
    view.validate_json()
    return view.to_dict()
