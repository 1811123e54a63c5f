"""Structural tests of every block builder: valid Block Kit, a fallback text, the right parts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks.card import render_card
from bot.blocks.lists import help_message
from bot.blocks.text import escape, money, slack_date
from bot.delivery.ports import RenderedMessage
from bot.domain.read_models import ExceptionGrant, FieldLine, HandoffCard
from bot.slack.ids import parse_menu_option
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
    elements = blocks[4]["elements"]
    assert [e["action_id"] for e in elements] == [
        "add_details",
        "claim",
        "view_brief",
        "open_crm_record",
        "card_menu",
    ]
    assert [e.get("style") for e in elements[:3]] == ["primary", None, None]
    assert all(e["value"] == "7" for e in elements[:3])
    assert elements[3]["url"] == "https://crm.example/deals/006X"
    assert elements[4]["type"] == "overflow"
    assert [o["value"] for o in elements[4]["options"]] == ["grant_exception:7", "commitments:7"]


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
    assert "_Unclaimed_" in str(blocks)


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
    """The card's buttons, then the options of its overflow menu (as ``…action``)."""
    blocks = valid(message)
    found: list[str] = []
    for block in blocks:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["type"] == "overflow":
                found += ["…" + o["value"].split(":")[0] for o in element["options"]]
            else:
                found.append(element["action_id"])
    return found


def test_buttons_follow_the_state() -> None:
    claimed = dict(owner_slack_id="U0CSM")
    assert actions_of(render_card(card(status=HandoffStatus.OPEN, **claimed))) == [
        "mark_ready",
        "add_details",
        "schedule_sync",
        "view_brief",
        "open_crm_record",
        "…reassign",
        "…release",
        "…commitments",
    ]
    assert actions_of(render_card(card(status=HandoffStatus.OPEN))) == [
        "claim",
        "add_details",
        "schedule_sync",
        "view_brief",
        "open_crm_record",
        "…commitments",
    ]
    assert actions_of(render_card(card(status=HandoffStatus.UPCOMING, sla_due_at=None))) == [
        "claim",
        "view_brief",
        "open_crm_record",
        "…commitments",
    ]
    ready = dict(status=HandoffStatus.READY, ready_by="U0REV", **claimed)
    assert actions_of(render_card(card(**ready))) == [
        "schedule_sync",
        "view_brief",
        "open_crm_record",
        "…reassign",
        "…kickoff_held",
        "…commitments",
    ]
    synced = dict(sync_at=datetime(2026, 11, 26, tzinfo=UTC), sync_minutes=20)
    assert actions_of(render_card(card(**ready, **synced)))[:1] == ["capture_outcomes"]
    done = dict(**synced, sync_outcomes={"summary": "ok"})
    assert actions_of(render_card(card(**ready, **done))) == [
        "kickoff_held",
        "view_brief",
        "open_crm_record",
        "…reassign",
        "…commitments",
    ]
    kicked_off = dict(**done, kickoff_at=datetime(2026, 11, 27, tzinfo=UTC))
    assert actions_of(render_card(card(**ready, **kicked_off))) == [
        "view_brief",
        "open_crm_record",
        "…reassign",
        "…first_value",
        "…commitments",
    ]
    assert actions_of(render_card(card(status=HandoffStatus.CANCELLED))) == ["open_crm_record"]


def every_card_state() -> list[HandoffCard]:
    moments = datetime(2026, 11, 26, tzinfo=UTC)
    variants: list[HandoffCard] = []
    for status in HandoffStatus:
        for owner in (None, "U0CSM"):
            for extra in (
                {},
                {"sync_at": moments, "sync_minutes": 20},
                {"sync_at": moments, "sync_minutes": 20, "sync_outcomes": {"summary": "x"}},
                {"kickoff_at": moments},
                {"kickoff_at": moments, "first_value_at": moments},
                {"exception": ExceptionGrant("U0REV", "ok", moments, None)},
                {"deal_url": None},
            ):
                variants.append(card(status=status, owner_slack_id=owner, **extra))
    return variants


def test_every_card_has_one_primary_button_and_five_buttons_at_most() -> None:
    for variant in every_card_state():
        [row] = [b for b in valid(render_card(variant)) if b["type"] == "actions"] or [None]
        if row is None:
            continue
        buttons = [e for e in row["elements"] if e["type"] == "button"]
        menus = [e for e in row["elements"] if e["type"] == "overflow"]
        assert len(buttons) <= 5, (variant.status, [b["action_id"] for b in buttons])
        assert len([b for b in buttons if b.get("style") == "primary"]) <= 1
        assert len(menus) <= 1
        for menu in menus:
            for option in menu["options"]:
                action, handoff = parse_menu_option(option["value"]) or (None, None)
                assert handoff == variant.handoff_id and action is not None
                assert action.value not in [b["action_id"] for b in buttons]


def test_card_block_ids_are_new_on_every_version() -> None:
    """Slack's reference: "If a message is updated, use a new block_id"."""
    first = {b.get("block_id") for b in valid(render_card(card(version=3)))} - {None}
    second = {b.get("block_id") for b in valid(render_card(card(version=4)))} - {None}
    assert first and not first & second
    assert {block_id.split(".v")[0] for block_id in first} == {
        "card_summary",
        "card_checklist",
        "card_actions",
    }


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
    from bot.blocks.modals import exception_modal, ready_modal, reassign_modal

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


def test_details_modal_says_honestly_what_is_required() -> None:
    """Required inputs are required (Slack writes "(optional)" only on the others); a
    partial record is kept with *Save what I have*, which Slack does not check."""
    from bot.blocks.modals import fields_modal
    from bot.config.playbook import load_playbook

    specs = load_playbook().fields
    form = fields_modal(card(), specs)
    View(**form).validate_json()
    inputs = {b["block_id"]: b for b in form["blocks"] if b["type"] == "input"}
    required = [f"field:{spec.key}" for spec in specs if spec.required]
    optional = [f"field:{spec.key}" for spec in specs if not spec.required]
    assert list(inputs) == required + optional  # required first
    assert [inputs[key]["optional"] for key in required] == [False] * len(required)
    assert [inputs[key]["optional"] for key in optional] == [True] * len(optional)
    assert not [b for b in inputs.values() if "Required" in str(b.get("hint"))]
    assert inputs["field:primary_use_case"]["element"]["initial_value"] == "Billing"
    assert inputs["field:primary_use_case"]["hint"]["text"] == "From the CRM."
    assert inputs["field:customer_timeline"]["element"]["type"] == "datepicker"
    assert inputs["field:primary_use_case"]["element"]["multiline"] is True
    assert form["callback_id"] == "handoff_fields" and '"handoff_id": 7' in form["private_metadata"]
    assert "(1 is still missing)" in form["blocks"][0]["text"]["text"]
    [save] = [b for b in form["blocks"] if b["type"] == "actions"]
    assert save["block_id"] == "details_save"
    assert save["elements"][0]["action_id"] == "save_draft" and save["elements"][0]["value"] == "7"


def test_details_modal_with_errors_keeps_the_block_ids() -> None:
    """views.update keeps what was typed only where block_id and action_id are unchanged."""
    from bot.blocks.modals import fields_modal
    from bot.config.playbook import load_playbook

    specs = load_playbook().fields
    plain_form = fields_modal(card(), specs)
    failed = fields_modal(card(), specs, errors={"call_recordings": "“x” is not a link."})
    View(**failed).validate_json()

    def ids(form: dict) -> list[tuple[str, str]]:
        return [
            (b["block_id"], b["element"]["action_id"])
            for b in form["blocks"]
            if b["type"] == "input"
        ]

    assert ids(failed) == ids(plain_form)
    text = json.dumps(failed["blocks"], ensure_ascii=False)
    assert ":warning: Not saved. *Call recording links*: “x” is not a link." in text
    [recordings] = [b for b in failed["blocks"] if b.get("block_id") == "field:call_recordings"]
    assert recordings["hint"]["text"] == "“x” is not a link."


def test_details_saved_modal_shows_what_is_still_required() -> None:
    from bot.blocks.modals import details_saved_modal

    saved = details_saved_modal(card())
    View(**saved).validate_json()
    text = json.dumps(saved["blocks"], ensure_ascii=False)
    assert "Saved. Still required: Success metrics." in text and "submit" not in saved
    complete = card(fields=(card().fields[0],))
    assert "Every required field is filled." in json.dumps(details_saved_modal(complete))


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
