"""The commitments ledger's builders: shapes Slack accepts, the menu each status offers, the
forms' inputs, the review, the agenda, lists, the reminder, the KPI line."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from slack_sdk.models.views import View

from bot.blocks.card import render_card
from bot.blocks.commitments import (
    agenda_commitments,
    commitment_form,
    drop_form,
    ledger_modal,
    merge_form,
    review_modal,
    split_form,
)
from bot.blocks.lists import commitments_message
from bot.blocks.nudges import render_nudge
from bot.blocks.report import commitments_line
from bot.domain.commitments import (
    CommitmentListing,
    CommitmentSource,
    CommitmentStatus,
    CommitmentView,
    summary,
)
from bot.domain.read_models import CommitmentKpis, HandoffStatus
from tests.blocks.test_blocks import card, valid


def promise(cid: int, status: CommitmentStatus, **more: object) -> CommitmentView:
    values: dict = dict(
        id=cid,
        handoff_id=7,
        text=f"Promise {cid}",
        promised_by="Dana",
        promised_to="Priya",
        due_on=date(2027, 1, 15),
        status=status,
        owner_slack_id="U0CSM",
        source_kind=CommitmentSource.EXTRACTED,
        source_quote="We'll have SSO live by January 15",
        source_url="https://calls.example/1",
        entered_by=None,
    )
    values.update(more)
    return CommitmentView(**values)


LEDGER = (
    promise(1, CommitmentStatus.PROPOSED),
    promise(2, CommitmentStatus.PROPOSED, source_kind=CommitmentSource.ENTERED, entered_by="U0AE"),
    promise(3, CommitmentStatus.CONFIRMED, overdue_at=datetime(2027, 1, 16, tzinfo=UTC)),
    promise(4, CommitmentStatus.DELIVERED),
    promise(5, CommitmentStatus.DROPPED, drop_reason="not in their plan"),
)


def modal_ok(view: dict) -> dict:
    View(**view).validate_json()
    return view


def menus(view: dict) -> dict[str, list[str]]:
    return {
        b["block_id"]: [o["value"] for o in b["accessory"]["options"]]
        for b in view["blocks"]
        if b.get("accessory", {}).get("type") == "overflow"
    }


def test_the_ledger_modal_offers_what_each_status_allows() -> None:
    view = modal_ok(ledger_modal(card(commitments=LEDGER)))
    assert view["callback_id"] == "handoff_commitments" and "submit" not in view
    assert menus(view) == {
        "commitment:1": ["edit:1", "split:1", "merge:1", "confirm:1", "drop:1"],
        "commitment:2": ["edit:2", "split:2", "merge:2", "confirm:2", "drop:2"],
        "commitment:3": ["edit:3", "delivered:3", "at_risk:3", "drop:3"],
    }
    said = json.dumps(view, ensure_ascii=False)
    assert "Entered by <@U0AE>" in said and "<https://calls.example/1|source>" in said
    assert "dropped: not in their plan" in said and "*overdue*" in said
    # A due date is a calendar day, the same for every reader (no time-zone token).
    assert "due 15 Jan 2027" in said and "<!date" not in said
    assert '"add_commitment"' in said
    empty = json.dumps(modal_ok(ledger_modal(card())))
    assert "No commitment recorded yet" in empty


def test_the_forms_carry_the_commitment_and_prefill_it() -> None:
    one = LEDGER[0]
    edit = modal_ok(commitment_form(card(commitments=LEDGER), one))
    assert json.loads(edit["private_metadata"]) == {"handoff_id": 7, "commitment_id": 1}
    inputs = {b["block_id"]: b["element"] for b in edit["blocks"] if b["type"] == "input"}
    assert inputs["commitment_text"]["initial_value"] == "Promise 1"
    assert inputs["commitment_due"]["initial_date"] == "2027-01-15"
    assert inputs["commitment_owner"]["initial_user"] == "U0CSM"
    add = modal_ok(commitment_form(card(owner_slack_id="U0OWN", account_name="Acme")))
    added = {b["block_id"]: b["element"] for b in add["blocks"] if b["type"] == "input"}
    assert added["commitment_to"]["initial_value"] == "Acme"
    assert json.loads(add["private_metadata"])["commitment_id"] is None
    split = modal_ok(split_form(card(commitments=LEDGER), one))
    assert split["callback_id"] == "handoff_commitment_split"
    merge = modal_ok(merge_form(card(commitments=LEDGER), one))
    [others] = [b for b in merge["blocks"] if b.get("block_id") == "commitment_merge_with"]
    assert [o["value"] for o in others["element"]["options"]] == ["2"]
    drop = modal_ok(drop_form(card(commitments=LEDGER), one))
    assert any(b.get("block_id") == "commitment_reason" for b in drop["blocks"])


def test_the_review_asks_a_decision_per_proposed_commitment() -> None:
    view = modal_ok(review_modal(card(commitments=LEDGER)))
    asked = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert asked == ["review_decision:1", "review_reason:1", "review_decision:2", "review_reason:2"]
    done = modal_ok(review_modal(card(commitments=LEDGER[2:])))
    assert "submit" not in done and "Every commitment is reviewed" in json.dumps(done)
    assert agenda_commitments(card(commitments=LEDGER[2:])) == ""
    assert agenda_commitments(card(commitments=LEDGER)).count("Promise") == 2


def test_the_card_counts_the_ledger_and_shows_what_is_overdue() -> None:
    owned = card(status=HandoffStatus.OPEN, owner_slack_id="U0CSM", commitments=LEDGER)
    blocks = json.dumps(valid(render_card(owned)), ensure_ascii=False)
    assert "Commitments: 2 proposed, 1 confirmed, 1 delivered, 1 dropped" in blocks
    assert ":warning: Overdue: :white_check_mark: *Promise 3*" in blocks
    assert '"action_id": "review_commitments"' in blocks


def test_lists_reminders_summary_and_kpis() -> None:
    listing = CommitmentListing("Acme — Platform", "Acme", "C0DEAL", LEDGER[2])
    message = commitments_message("Overdue commitments", [listing], empty="None.")
    assert message.text == "Overdue commitments: 1" and "<#C0DEAL>" in json.dumps(valid(message))
    assert commitments_message("Yours", [], empty="None.").text == "Yours: None."
    reminder = render_nudge(
        {"blocker": "commitment_due", "text": "SSO", "due_on": "2027-01-15", "to": "U0CSM"},
        card(commitments=LEDGER),
    )
    assert "“SSO”" in reminder.text and "2027-01-15" in reminder.text
    assert '"action_id": "commitments"' in json.dumps(valid(reminder))
    assert summary(LEDGER).splitlines() == [
        "Promise 4 (Dana → Priya) by 2027-01-15 [delivered]",
        "Promise 3 (Dana → Priya) by 2027-01-15 [confirmed]",
        "Promise 1 (Dana → Priya) by 2027-01-15 [proposed]",
        "Promise 2 (Dana → Priya) by 2027-01-15 [proposed]",
    ]
    line = commitments_line(CommitmentKpis(2, 1, 1.0, 0, 1, {"U0AE": (2, 3)}))
    assert line == (
        "*Commitments*: 2 confirmed, 1 delivered (100% on time), 0 at risk, 1 dropped\n"
        "_Survived the sync, per AE_: <@U0AE> 2 of 3"
    )
