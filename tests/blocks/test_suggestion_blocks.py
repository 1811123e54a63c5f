"""Structural tests of the suggestion builders: valid Block Kit, the parts people read."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from slack_sdk.models.views import View

from bot.blocks.brief import brief_modal
from bot.blocks.card import render_card
from bot.blocks.modals import fields_modal
from bot.blocks.suggestions import file_notice, forgotten_message, with_suggestions
from bot.config.playbook import load_playbook
from bot.domain.read_models import FieldLine, HandoffStatus
from bot.domain.suggestions import FieldSuggestions, ModalSuggestions, SuggestionView
from storage.enums import FieldSource
from tests.blocks.test_blocks import card, valid

CALL_DAY = datetime(2026, 11, 20, tzinfo=UTC)


def said(id: int, key: str, value: str, **extra: object) -> SuggestionView:
    values: dict = dict(
        id=id, field_key=key, value=value, quote=value, speaker="Priya Shah",
        speaker_title="CFO", at="00:12:31", kind="call", title="discovery call",
        said_at=CALL_DAY,
    )  # fmt: skip
    values.update(extra)
    return SuggestionView(**values)


def test_the_details_modal_prefills_empty_fields_and_explains_each_suggestion() -> None:
    specs = load_playbook().fields
    deal = card(
        fields=(
            FieldLine("primary_use_case", "Primary use case", True, None, None),
            FieldLine("success_metrics", "Success metrics", True, "DSO", FieldSource.PERSON),
        )
    )
    offered = ModalSuggestions(
        {
            "primary_use_case": FieldSuggestions(
                "primary_use_case", (said(1, "primary_use_case", "Consolidate <!channel>"),), False
            ),
            "success_metrics": FieldSuggestions(
                "success_metrics",
                (said(2, "success_metrics", "DSO −10 days", quote="We want DSO down ten days."),),
                False,
            ),
            "decision_makers": FieldSuggestions(
                "decision_makers",
                (
                    said(3, "decision_makers", "Priya Shah, CFO"),
                    said(4, "decision_makers", "Tom Lee"),
                ),
                True,
            ),
            "customer_timeline": FieldSuggestions(
                "customer_timeline", (said(5, "customer_timeline", "by Q1"),), False
            ),
        }
    )
    view = with_suggestions(fields_modal(deal, specs), deal, offered)
    View(**view).validate_json()
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["field:primary_use_case"]["element"]["initial_value"] == "Consolidate <!channel>"
    assert blocks["field:success_metrics"]["element"].get("initial_value") == "DSO"
    assert blocks["field:decision_makers"]["element"]["initial_value"] == "Priya Shah, CFO\nTom Lee"
    assert "initial_date" not in blocks["field:customer_timeline"]["element"]  # not a date
    use_case = blocks["suggestion:primary_use_case"]["elements"][0]["text"]
    assert use_case == (
        ":bulb: _Suggestion_: From the 20 Nov discovery call, 12:31 — Priya Shah, CFO: "
        "“Consolidate &lt;!channel&gt;”"
    )
    assert blocks["suggestion:success_metrics"]["elements"][0]["text"].startswith(
        ":bulb: _Also said_: “DSO −10 days” — From the 20 Nov"
    )
    assert len(blocks["suggestion:decision_makers"]["elements"]) == 2
    assert view["blocks"][1]["type"] == "context"  # the note on top: 2 fields filled in
    assert "2 empty fields filled in" in view["blocks"][1]["elements"][0]["text"]
    assert json.loads(view["private_metadata"]) == {
        "handoff_id": 7,
        "suggested": {
            "primary_use_case": [1],
            "success_metrics": [2],
            "decision_makers": [3, 4],
            "customer_timeline": [5],
        },
    }


def test_a_slack_suggestion_names_the_channel_and_time() -> None:
    item = said(1, "risks", "Vendor risk", kind="slack", at=None, title=None, speaker="Dana Ae",
                speaker_title=None, said_at=datetime(2026, 11, 21, 14, 2, tzinfo=UTC))  # fmt: skip
    deal = card(fields=(FieldLine("risks", "Known risks", False, None, None),))
    offered = ModalSuggestions({"risks": FieldSuggestions("risks", (item,), False)})
    view = with_suggestions(fields_modal(deal, load_playbook().fields), deal, offered)
    [note] = [b for b in view["blocks"] if b.get("block_id") == "suggestion:risks"]
    assert "From the deal channel, 21 Nov 14:02 UTC — Dana Ae: “Vendor risk”" in json.dumps(
        note, ensure_ascii=False
    )


def test_the_card_counts_waiting_suggestions_only_while_the_ae_can_act() -> None:
    waiting = valid(render_card(card(suggestions_waiting=3)))
    [line] = [b for b in waiting if b["type"] == "context" and ":bulb:" in json.dumps(b)]
    assert line["elements"][0]["text"].startswith(
        ":bulb: 3 suggestions from calls and the deal channel wait for <@U0AE> — *Add details*"
    )
    ready = render_card(card(suggestions_waiting=3, status=HandoffStatus.READY))
    assert ":bulb:" not in json.dumps(ready.blocks)
    assert ":bulb:" not in json.dumps(render_card(card()).blocks)


def test_the_brief_credits_a_kept_suggestion_and_who_confirmed_it() -> None:
    kept = FieldLine(
        "primary_use_case", "Primary use case", True, "Consolidate billing", FieldSource.PERSON,
        set_by="U0AE", updated_at=CALL_DAY, suggested_from="the 20 Nov discovery call, 12:31",
        suggested_quote="We need to consolidate billing.",
    )  # fmt: skip
    brief = json.dumps(brief_modal(card(fields=(kept,))), ensure_ascii=False)
    assert (
        "Suggested from the 20 Nov discovery call, 12:31: “We need to consolidate billing.” — "
        "confirmed by <@U0AE>"
    ) in brief


def test_private_answers_about_files_and_forgetting() -> None:
    assert "could not read `notes.json`" in file_notice("notes.json", "segments: expected").text
    assert "read the call transcript `call.vtt`" in file_notice("call.vtt", None).text
    done = forgotten_message("Acme <x>", calls=1, messages=2, suggestions=3).text
    assert "*Acme &lt;x&gt;*: 1 call, 2 channel messages and 3 suggestions" in done
    assert "Nothing is stored" in forgotten_message("Acme", calls=0, messages=0, suggestions=0).text
