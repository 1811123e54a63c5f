"""The one-page brief as the deal channel's canvas (markdown): a pure function of the handoff's
read model and its commitments, each value with where it came from.

Canvas markdown is not mrkdwn: people are ``![](@U…)``, there are no date tokens, and text from
the CRM or a call is escaped so it cannot make headings, links or mentions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.blocks.card import status_line
from bot.blocks.provenance import Provenance, day, of_field, shorten
from bot.blocks.text import money
from bot.domain.read_models import FieldLine, HandoffCard

# The brief's sections, in order: (heading, the playbook fields it shows).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Goals and use case", ("primary_use_case",)),
    ("Success metrics", ("success_metrics",)),
    ("Stakeholders", ("decision_makers",)),
    ("Timeline", ("customer_timeline",)),
)
AFTER_COMMITMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Risks", ("risks",)),
    ("Recordings", ("call_recordings",)),
)
SHOWN_ELSEWHERE = ("promises_made",)  # the commitments section is the ledger's view of it
# Emoji as characters: a canvas's markdown is not mrkdwn.
STATUS_LABELS = {
    "proposed": "🟡 Proposed",
    "confirmed": "🔵 Confirmed",
    "delivered": "✅ Delivered",
    "dropped": "➖ Dropped",
    "at_risk": "⚠️ At risk",
}
MAX_VALUE = 3000
SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


class Commitment(Protocol):
    """A commitment as the ledger shows it (``bot.workflow.commitments.CommitmentView``)."""

    @property
    def id(self) -> int | None: ...
    @property
    def text(self) -> str: ...
    @property
    def promised_by(self) -> str | None: ...
    @property
    def promised_to(self) -> str | None: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def status(self) -> str: ...
    @property
    def owner_slack_id(self) -> str | None: ...
    @property
    def source_quote(self) -> str | None: ...
    @property
    def source_url(self) -> str | None: ...
    @property
    def entered_by(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class CanvasDocument:
    title: str
    markdown: str
    # Text only this brief's heading contains: how its section is found in a shared canvas.
    anchor: str

    @property
    def digest(self) -> str:
        """What the canvas shows, as a hash: an edit that would change nothing is skipped."""
        return hashlib.sha256(self.markdown.encode()).hexdigest()


def brief_title(card: HandoffCard) -> str:
    """The brief's heading: the canvas title, or its section's heading in a shared canvas. It
    ends with the handoff's number (``anchor``), so two deals' sections are never confused."""
    return f"Handoff brief: {shorten(card.deal_name, 120)} {anchor(card)}"


def anchor(card: HandoffCard) -> str:
    return f"(#{card.handoff_id})"


def render_canvas(
    card: HandoffCard, commitments: Sequence[Commitment], *, crm: str | None = None
) -> CanvasDocument:
    title = brief_title(card)
    lines = [f"# {plain(title)}", "", *_summary(card), ""]
    for heading, keys in SECTIONS:
        lines += _fields_section(card, heading, keys, crm)
    lines += _commitments(card, commitments, crm)
    for heading, keys in AFTER_COMMITMENTS:
        lines += _fields_section(card, heading, keys, crm)
    lines += _sync(card)
    lines += [
        "---",
        "_Kept current by Handoff from the handoff's record; edits made here are replaced. "
        "Change a value with the card's Add details._",
    ]
    return CanvasDocument(
        title=title, markdown="\n".join(lines).strip() + "\n", anchor=anchor(card)
    )


def _summary(card: HandoffCard) -> list[str]:
    owner = mention(card.owner_slack_id) if card.owner_slack_id else "unclaimed"
    ae = mention(card.ae_slack_id) if card.ae_slack_id else plain(card.ae_email or "unknown")
    status = status_line(card).split(" ", 1)[1]
    return [
        f"**Account:** {plain(card.account_name or '—')} · "
        f"**Amount:** {plain(money(card.amount, card.currency))}",
        f"**Owner:** {owner} · **AE:** {ae} · **Status:** {plain(status)}",
    ]


def _fields_section(
    card: HandoffCard, heading: str, keys: tuple[str, ...], crm: str | None
) -> list[str]:
    lines = [f"## {heading}"]
    for key in keys:
        line = card.field(key)
        if line is None:
            continue
        lines += _value(line, crm)
    if len(lines) == 1:
        lines.append("_Not part of this playbook._")
    return [*lines, ""]


def _value(line: FieldLine, crm: str | None) -> list[str]:
    if not line.present or line.value is None:
        note = "required, missing" if line.required else "not known yet"
        return [f"_{note.capitalize()}._"]
    values = [plain(shorten_lines(v)) for v in line.value.splitlines() if v.strip()]
    body = [f"- {v}" for v in values] if len(values) > 1 else values
    return [*body, f"_{source(of_field(line), crm)}_"]


def _commitments(
    card: HandoffCard, commitments: Sequence[Commitment], crm: str | None
) -> list[str]:
    lines = ["## Commitments made in the sale"]
    if not commitments:
        lines.append("_None recorded yet._")
    for item in commitments:
        label = STATUS_LABELS.get(str(item.status), plain(str(item.status)))
        parts = [f"**{plain(shorten(item.text, 500))}** — {label}"]
        if item.promised_by or item.promised_to:
            by = plain(item.promised_by or "us")
            to = f" to {plain(item.promised_to)}" if item.promised_to else ""
            parts.append(f"promised by {by}{to}")
        if item.due_on:
            parts.append(f"due {day(item.due_on)}")
        if item.owner_slack_id:
            parts.append(f"owner {mention(item.owner_slack_id)}")
        lines.append("- " + " · ".join(parts))
        lines.append(f"  _{_commitment_source(item, crm)}_")
    return [*lines, ""]


def _commitment_source(item: Commitment, crm: str | None) -> str:
    if item.source_quote:
        where = f"[the source]({item.source_url})" if _link(item.source_url) else "the calls"
        return f"from {where}: “{plain(shorten(item.source_quote, 300))}”"
    if item.entered_by:
        return f"entered by {mention(item.entered_by)}"
    return source(Provenance("crm"), crm)


def _sync(card: HandoffCard) -> list[str]:
    lines = ["## The handoff sync"]
    if card.sync_at is None:
        lines.append("_Not scheduled yet._")
    else:
        minutes = f" ({card.sync_minutes} min)" if card.sync_minutes else ""
        lines.append(f"**When:** {day(card.sync_at)} {card.sync_at:%H:%M} UTC{minutes}")
    outcomes = card.sync_outcomes or {}
    for key, label in (
        ("summary", "Summary"),
        ("action_items", "Action items"),
        ("concerns", "Concerns"),
    ):
        value = outcomes.get(key)
        if value:
            lines.append(f"**{label}:** {plain(shorten_lines(str(value)))}")
    if card.sync_at is not None and not outcomes:
        lines.append("_Outcomes not captured yet._")
    return [*lines, ""]


def source(provenance: Provenance, crm: str | None) -> str:
    return plain_people(provenance.phrase(mention, crm=crm))


def plain_people(phrase: str) -> str:
    """Escape a provenance phrase but keep its mentions (``![](@U…)``) working."""
    parts = re.split(r"(!\[\]\(@[A-Z0-9]+\))", phrase)
    return "".join(part if index % 2 else plain(part) for index, part in enumerate(parts))


def mention(user_id: str) -> str:
    return f"![](@{user_id})" if re.fullmatch(r"[UW][A-Z0-9]+", user_id) else plain(user_id)


def plain(text: str) -> str:
    """Text from the CRM, a call or a person, unable to format, link or mention."""
    return SPECIALS.sub(r"\\\1", text)


def shorten_lines(text: str) -> str:
    return shorten(text, MAX_VALUE)


def _link(url: str | None) -> bool:
    return bool(url) and re.fullmatch(r"https?://[^\s()]+", url or "") is not None
