"""Structural tests of every block builder: valid Block Kit, a fallback text, the right parts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from slack_sdk.models.blocks import Block

from bot.blocks.card import render_card
from bot.blocks.help import render_help
from bot.blocks.text import escape, money, slack_date
from bot.domain import FieldLine, HandoffCard, RenderedMessage
from storage.enums import FieldSource, HandoffStatus


def valid(message: RenderedMessage) -> list[dict]:
    assert message.text.strip()
    assert 0 < len(message.blocks) <= 50
    for raw in message.blocks:
        block = Block.parse(raw)
        assert block is not None
        block.validate_json()
    return message.blocks


def card(**overrides: object) -> HandoffCard:
    values: dict = dict(
        handoff_id=7,
        version=3,
        deal_id="006X",
        deal_name="Acme — Platform",
        account_name="Acme Corp",
        stage="Closed Won",
        amount=Decimal("120000.50"),
        currency="USD",
        close_date=date(2026, 11, 21),
        deal_url="https://crm.example/deals/006X",
        status=HandoffStatus.HELD,
        ae_slack_id="U0AE",
        ae_email="dana@example.com",
        owner_slack_id=None,
        sla_due_at=datetime(2026, 11, 25, 9, tzinfo=UTC),
        fields=(
            FieldLine("primary_use_case", "Primary use case", True, "Billing", FieldSource.CRM),
            FieldLine("success_metrics", "Success metrics", True, None, None),
            FieldLine(
                "call_recordings", "Call recordings", False, "https://rec/1", FieldSource.CRM
            ),
        ),
    )
    values.update(overrides)
    return HandoffCard(**values)


def test_card_shape() -> None:
    blocks = valid(render_card(card()))
    assert [b["type"] for b in blocks] == ["header", "section", "section", "context", "actions"]
    assert blocks[0]["text"] == {"type": "plain_text", "text": "Handoff: Acme — Platform"}
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert fields[0] == "*Account*\nAcme Corp"
    assert fields[1] == "*Amount*\nUSD 120,000.50"
    assert fields[2] == "*AE*\n<@U0AE>"
    assert fields[3] == "*Owner*\n_Unclaimed_"
    assert fields[4].endswith("Held — 1 required field missing")
    assert fields[5].startswith("*SLA*\nReady by <!date^1795597200^")
    checklist = blocks[2]["text"]["text"]
    assert "(1/2)" in checklist and "Success metrics — _missing_" in checklist
    assert "_Optional:_ Call recordings" in checklist
    assert blocks[4]["elements"][0]["url"] == "https://crm.example/deals/006X"


def test_card_without_optional_data_is_still_valid() -> None:
    message = render_card(
        card(
            account_name=None,
            amount=None,
            currency=None,
            close_date=None,
            deal_url=None,
            ae_slack_id=None,
            ae_email=None,
            sla_due_at=None,
            status=HandoffStatus.OPEN,
        )
    )
    blocks = valid(message)
    assert [b["type"] for b in blocks] == ["header", "section", "section", "context"]
    assert "waiting for a CSM" in str(blocks)


def test_card_survives_extreme_lengths() -> None:
    huge = "x" * 5000
    valid(
        render_card(
            card(
                deal_name=huge,
                account_name=huge,
                stage="y" * 120,
                fields=tuple(FieldLine(f"k{i}", "L" * 60, True, None, None) for i in range(60)),
            )
        )
    )


def test_card_text_fallback_names_the_deal_and_owner() -> None:
    message = render_card(card(owner_slack_id="U0CSM", status=HandoffStatus.OPEN))
    assert message.text == "Handoff for Acme — Platform (Acme Corp): Open. Owner: <@U0CSM>."


def test_help_is_valid() -> None:
    blocks = valid(render_help())
    assert "/handoff help" in str(blocks)


def test_text_helpers() -> None:
    assert escape("<!here> & <@U1>") == "&lt;!here&gt; &amp; &lt;@U1&gt;"
    assert money(Decimal("1000"), "EUR") == "EUR 1,000"
    assert money(None, "EUR") == "—"
    assert slack_date(datetime(2026, 1, 1, tzinfo=UTC)) == (
        "<!date^1767225600^{date_short_pretty} at {time}|2026-01-01 00:00 UTC>"
    )
