"""Structural tests of the brief's canvas: its sections in order, each value with where it came
from, commitments with their status, the sync's outcomes, and text that cannot format or
mention; plus the card's link to it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.blocks.canvas import brief_title, render_canvas
from bot.blocks.card import render_card
from bot.blocks.provenance import Provenance, of_field
from bot.domain.read_models import FieldLine
from storage.enums import FieldSource, HandoffStatus
from tests.blocks.test_blocks import card

SAID = datetime(2026, 11, 12, 15, 4, tzinfo=UTC)


@dataclass(frozen=True)
class Promise:
    """What the commitments ledger hands the renderer (its CommitmentView's attributes)."""

    id: int | None
    text: str
    promised_by: str | None
    promised_to: str | None
    due_on: date | None
    status: str
    owner_slack_id: str | None
    source_quote: str | None
    source_url: str | None
    entered_by: str | None


def full_card() -> object:
    fields = (
        FieldLine(
            "primary_use_case",
            "Primary use case",
            True,
            "Consolidate billing",
            FieldSource.PERSON,
            set_by="U0AE",
            updated_at=SAID,
            suggested_from="the 12 Nov Kickoff call, 03:12 — Priya Shah",
            suggested_quote="we need one invoice run for all regions",
        ),
        FieldLine("success_metrics", "Success metrics", True, "DSO −10 days", FieldSource.CRM),
        FieldLine(
            "decision_makers",
            "Decision-makers",
            True,
            "Priya Shah (CFO)\nTom Lee",
            FieldSource.PERSON,
            set_by="U0CSM",
            updated_at=SAID,
        ),
        FieldLine("customer_timeline", "Timeline", False, None, None),
        FieldLine("risks", "Risks", False, "# @channel <!here> [x](https://evil)", FieldSource.CRM),
        FieldLine("call_recordings", "Call recordings", False, None, None),
        FieldLine("promises_made", "Promises", True, "SSO by January", FieldSource.PERSON),
    )
    return card(
        fields=fields,
        owner_slack_id="U0CSM",
        status=HandoffStatus.READY,
        sync_at=SAID,
        sync_minutes=30,
        sync_outcomes={"summary": "Kickoff on 1 Dec", "action_items": "Tom: SSO", "concerns": ""},
    )


def headings(markdown: str) -> list[str]:
    return re.findall(r"^#{1,2} (.+)$", markdown, flags=re.MULTILINE)


def test_the_brief_has_every_section_in_order() -> None:
    document = render_canvas(full_card(), [], crm="salesforce")  # type: ignore[arg-type]
    assert headings(document.markdown) == [
        "Handoff brief: Acme — Platform \\(\\#7\\)",
        "Goals and use case",
        "Success metrics",
        "Stakeholders",
        "Timeline",
        "Commitments made in the sale",
        "Risks",
        "Recordings",
        "The handoff sync",
    ]
    assert document.title == brief_title(full_card())  # type: ignore[arg-type]
    assert "**Owner:** ![](@U0CSM) · **AE:** ![](@U0AE) · **Status:** Handoff ready" in (
        document.markdown
    )


def test_each_value_says_where_it_came_from() -> None:
    text = render_canvas(full_card(), [], crm="salesforce").markdown  # type: ignore[arg-type]
    assert (
        "Consolidate billing\n_from the 12 Nov Kickoff call, 03:12 — Priya Shah: “we need one "
        "invoice run for all regions” — confirmed by ![](@U0AE) 12 Nov 2026_"
    ) in text
    assert "DSO −10 days\n_from Salesforce_" in text
    assert "- Priya Shah \\(CFO\\)\n- Tom Lee\n_entered by ![](@U0CSM) 12 Nov 2026_" in text
    assert "## Timeline\n_Not known yet._" in text
    assert "## Recordings\n_Not known yet._" in text


def test_commitments_show_status_owner_due_date_and_source() -> None:
    promises = [
        Promise(
            1,
            "SSO by January",
            "Dana (AE)",
            "Priya Shah",
            date(2027, 1, 15),
            "confirmed",
            "U0CSM",
            "we'll have SSO live before your January rollout",
            "https://calls.example/kickoff#t=312",
            None,
        ),
        Promise(2, "A named TAM", None, None, None, "at_risk", None, None, None, "U0AE"),
        Promise(3, "Free training", None, None, None, "dropped", None, None, None, None),
    ]
    text = render_canvas(full_card(), promises, crm="hubspot").markdown  # type: ignore[arg-type]
    assert (
        "- **SSO by January** — 🔵 Confirmed · promised by Dana \\(AE\\) to "
        "Priya Shah · due 15 Jan 2027 · owner ![](@U0CSM)\n"
        "  _from [the source](https://calls.example/kickoff#t=312): “we'll have SSO live before "
        "your January rollout”_"
    ) in text
    assert "- **A named TAM** — ⚠️ At risk\n  _entered by ![](@U0AE)_" in text
    assert "- **Free training** — ➖ Dropped\n  _from HubSpot_" in text
    empty = render_canvas(full_card(), []).markdown  # type: ignore[arg-type]
    assert "## Commitments made in the sale\n_None recorded yet._" in empty


def test_the_sync_meeting_and_its_outcomes() -> None:
    text = render_canvas(full_card(), []).markdown  # type: ignore[arg-type]
    assert "## The handoff sync\n**When:** 12 Nov 2026 15:04 UTC (30 min)" in text
    assert "**Summary:** Kickoff on 1 Dec" in text and "**Action items:** Tom: SSO" in text
    assert "Concerns" not in text  # nothing flagged
    unscheduled = render_canvas(card(), []).markdown
    assert "## The handoff sync\n_Not scheduled yet._" in unscheduled


def test_text_from_outside_cannot_format_link_or_mention() -> None:
    text = render_canvas(full_card(), []).markdown  # type: ignore[arg-type]
    assert "\\# @channel \\<\\!here\\> \\[x\\]\\(https://evil\\)" in text
    assert "](https://evil)" not in text.replace("\\]\\(", "")
    odd = render_canvas(card(deal_name="Acme [beta] #1", ae_slack_id=None), []).markdown
    assert odd.startswith("# Handoff brief: Acme \\[beta\\] \\#1 \\(\\#7\\)\n")
    assert "**AE:** dana@example.com" in odd


def test_the_same_brief_has_the_same_digest_and_any_change_a_new_one() -> None:
    first = render_canvas(full_card(), [])  # type: ignore[arg-type]
    again = render_canvas(full_card(), [])  # type: ignore[arg-type]
    moved = render_canvas(card(owner_slack_id="U0OTHER"), [])
    assert first.digest == again.digest and first.digest != moved.digest
    assert len(first.markdown) < 1_048_576


def test_provenance_phrases() -> None:
    def mention(user: str) -> str:
        return f"<@{user}>"

    line = FieldLine("risks", "Risks", False, "Legal", FieldSource.CRM)
    assert of_field(line).phrase(mention, crm="salesforce") == "from Salesforce"
    assert of_field(line).phrase(mention, crm="webhook") == "from the CRM"
    typed = FieldLine("risks", "Risks", False, "x", FieldSource.PERSON, "U1", SAID)
    assert of_field(typed).phrase(mention) == "entered by <@U1> 12 Nov 2026"
    empty = FieldLine("risks", "Risks", False, " ", None)
    assert of_field(empty) == Provenance("missing")


def test_the_card_links_to_the_canvas_and_keeps_view_brief() -> None:
    url = "https://acme.slack.com/docs/T1/F0CANVAS1"
    message = render_card(card(canvas_url=url))
    blocks = json.dumps(message.blocks)
    assert f"<{url}|The brief, in this channel's canvas>" in blocks
    assert "view_brief" in blocks
    buttons = [
        element
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]  # type: ignore[attr-defined]
        if element["type"] == "button"
    ]
    assert len(buttons) <= 5 and sum(1 for b in buttons if b.get("style") == "primary") <= 1
    assert "docs/" not in json.dumps(render_card(card()).blocks)
