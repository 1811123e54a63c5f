"""Structural tests of every block builder: valid Block Kit, a fallback text, the right parts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from slack_sdk.models.blocks import Block

from bot.blocks.card import render_card
from bot.blocks.lists import help_message
from bot.blocks.text import escape, money, slack_date
from bot.delivery.ports import RenderedMessage
from bot.domain.read_models import ExceptionGrant, FieldLine, HandoffCard
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
    buttons = blocks[4]["elements"]
    assert [b["action_id"] for b in buttons] == [
        "add_details",
        "claim",
        "grant_exception",
        "view_brief",
        "open_crm_record",
    ]
    assert all(b["value"] == "7" for b in buttons[:-1])
    assert buttons[-1]["url"] == "https://crm.example/deals/006X"


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
    assert [b["type"] for b in blocks] == ["header", "section", "section", "context", "actions"]
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
    assert message.text == (
        "Handoff for Acme — Platform (Acme Corp): Open — waiting for a reviewer. Owner: <@U0CSM>."
    )


def test_help_is_valid() -> None:
    blocks = valid(help_message())
    for usage in ("help", "status <account or deal>", "mine", "queue", "overdue", "history"):
        assert f"/handoff {usage}" in str(blocks)


def test_text_helpers() -> None:
    assert escape("<!here> & <@U1>") == "&lt;!here&gt; &amp; &lt;@U1&gt;"
    assert money(Decimal("1000"), "EUR") == "EUR 1,000"
    assert money(None, "EUR") == "—"
    assert slack_date(datetime(2026, 1, 1, tzinfo=UTC)) == (
        "<!date^1767225600^{date_short_pretty} at {time}|2026-01-01 00:00 UTC>"
    )


def actions_of(message: RenderedMessage) -> list[str]:
    blocks = valid(message)
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_buttons_follow_the_state() -> None:
    claimed = dict(owner_slack_id="U0CSM")
    assert actions_of(render_card(card(status=HandoffStatus.OPEN, **claimed))) == [
        "add_details",
        "reassign",
        "release",
        "mark_ready",
        "schedule_sync",
        "view_brief",
        "open_crm_record",
    ]
    assert actions_of(render_card(card(status=HandoffStatus.UPCOMING, sla_due_at=None))) == [
        "claim",
        "view_brief",
        "open_crm_record",
    ]
    assert actions_of(
        render_card(card(status=HandoffStatus.READY, ready_by="U0REV", **claimed))
    ) == ["reassign", "schedule_sync", "kickoff_held", "view_brief", "open_crm_record"]
    assert actions_of(render_card(card(status=HandoffStatus.CANCELLED))) == ["open_crm_record"]


def test_ready_card_shows_the_handoff_checklist() -> None:
    ready = card(
        status=HandoffStatus.READY,
        owner_slack_id="U0CSM",
        ready_by="U0REV",
        ready_at=datetime(2026, 11, 24, tzinfo=UTC),
        success_plan_reviewed=True,
        exception=ExceptionGrant(
            "U0REV", "Customer is on holiday", datetime(2026, 11, 23, tzinfo=UTC), None
        ),
    )
    text = str(valid(render_card(ready)))
    assert ":white_check_mark: Required fields excepted by <@U0REV>" in text
    assert ":white_check_mark: Reviewer flag — <@U0REV>" in text
    assert ":white_check_mark: Call recordings attached" in text
    assert ":white_check_mark: Success plan reviewed" in text
    assert ":white_large_square: Follow-up scheduled" in text
    assert "Exception granted by <@U0REV>" in text and "Customer is on holiday" in text


def test_conflict_note_on_the_card() -> None:
    line = FieldLine(
        "primary_use_case",
        "Primary use case",
        True,
        "Billing",
        FieldSource.PERSON,
        set_by="U0AE",
        crm_value="<!here> Payroll",
    )
    text = str(valid(render_card(card(fields=(line,)))))
    assert "the CRM says “&lt;!here&gt; Payroll”" in text and "<@U0AE> stands" in text


def test_modals_are_valid_views() -> None:
    from bot.blocks.brief import brief_modal
    from bot.blocks.modals import exception_modal, fields_modal, ready_modal, reassign_modal
    from bot.config.playbook import load_playbook

    specs = load_playbook().fields
    form = fields_modal(card(), specs)
    inputs = {b["block_id"]: b for b in form["blocks"] if b["type"] == "input"}
    assert list(inputs) == [f"field:{spec.key}" for spec in specs]
    assert inputs["field:primary_use_case"]["element"]["initial_value"] == "Billing"
    assert inputs["field:customer_timeline"]["element"]["type"] == "datepicker"
    assert inputs["field:primary_use_case"]["element"]["multiline"] is True
    assert all(b["optional"] for b in inputs.values())
    assert form["callback_id"] == "handoff_fields" and '"handoff_id": 7' in form["private_metadata"]
    assert exception_modal(card())["callback_id"] == "handoff_exception"
    assert reassign_modal(card())["blocks"][0]["element"]["type"] == "users_select"
    ready = ready_modal(card(status=HandoffStatus.OPEN, owner_slack_id="U0CSM"))
    assert [o["value"] for o in ready["blocks"][1]["element"]["options"]] == [
        "brief_reviewed",
        "success_plan_reviewed",
    ]
    brief = brief_modal(card())
    text = str(brief["blocks"])
    assert "Goals — primary use case" in text and "Billing" in text and "From the CRM" in text
    assert "Success metrics" in text and "_Not known yet._" in text


def test_home_and_lists() -> None:
    from bot.blocks.home import home_view
    from bot.blocks.lists import list_message
    from bot.domain.read_models import HandoffSummary, HomeData

    item = HandoffSummary(
        1,
        "Acme",
        "Acme Corp",
        HandoffStatus.HELD,
        None,
        "U0AE",
        datetime(2026, 11, 25, tzinfo=UTC),
        2,
        "C1",
    )
    home = home_view(HomeData("U0CSM", True, False, (), (), (), (item,), ()))
    text = json.dumps(home["blocks"])
    assert home["type"] == "home" and "Unclaimed queue" in text and '"action_id": "claim"' in text
    assert "Awaiting your review" not in text
    listing = valid(list_message("Unclaimed", [item], empty="none", claimable=True))
    assert "2 fields missing" in str(listing) and "<#C1>" in str(listing)
