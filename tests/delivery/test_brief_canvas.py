"""The brief as the deal channel's canvas, through the real WebClient and the Slack stand-in:
created when the handoff starts, one edit for a burst of changes, a section in a canvas the
channel already had, the modal brief and one word to the admins where canvases are unavailable,
and a Slack outage that delays the canvas but never drops a change."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from bot.sandbox import Fault
from storage.canvas_models import BriefCanvas
from storage.enums import OutboxKind
from storage.models import OutboxMessage
from tests.conftest import AE_ID, DEAL_CHANNEL, RunningApp
from tests.support.events import deal_event
from tests.support.team import ADMIN, CSM, field_state, start_handoff

pytestmark = pytest.mark.team

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
MANIFEST_SCOPES = frozenset(yaml.safe_load(MANIFEST.read_text())["oauth_config"]["scopes"]["bot"])
TITLE = "# Handoff brief: Acme — Platform \\(\\#"  # then the handoff's number
CANVAS_METHODS = ("conversations.canvases.create", "canvases.edit", "canvases.sections.lookup")


def canvas_text(app: RunningApp, channel: str = DEAL_CHANNEL) -> str:
    with app.slack.workspace.lock:
        canvas = app.slack.workspace.channel_canvas(channel)
        assert canvas is not None, "the channel has no canvas"
        return canvas.markdown


def canvas_calls(app: RunningApp) -> list[str]:
    return [call.method for call in app.slack.calls if call.method in CANVAS_METHODS]


def card_blocks(app: RunningApp) -> str:
    [card] = app.cards()
    return json.dumps(card["blocks"], ensure_ascii=False)


def admin_dms(app: RunningApp) -> list[str]:
    return (
        [m["text"] for m in app.slack.messages(f"D{ADMIN}")]
        if f"D{ADMIN}" in (app.slack.workspace.channels)
        else []
    )


def test_starting_a_handoff_creates_the_channels_canvas_and_the_card_links_to_it(
    app: RunningApp,
) -> None:
    handoff_id = start_handoff(app)
    [create] = app.slack.calls_to("conversations.canvases.create")
    assert create.ok and create.args["channel_id"] == DEAL_CHANNEL
    text = canvas_text(app)
    assert text.startswith(f"{TITLE}{handoff_id}\\)\n")
    assert "## Goals and use case\nConsolidate billing\n_from the CRM_" in text
    assert "## Success metrics" in text and "## Commitments made in the sale" in text
    assert "**Owner:** unclaimed" in text and f"![](@{AE_ID})" in text
    [row] = app.rows_of(BriefCanvas)
    assert (row.mode, row.canvas_id) == ("channel", create.response["canvas_id"])
    link = f"https://handoff-sandbox.slack.com/docs/T0HANDOFF/{row.canvas_id}"
    app.relay()
    # No chat.update just for the link: it comes with the card's next change.
    assert app.slack.calls_to("chat.update") == [] and link not in card_blocks(app)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    assert link in card_blocks(app)
    assert "View brief" in card_blocks(app)  # the modal stays for people outside the channel
    assert len(app.slack.calls_to("canvases.edit")) == 1  # the claim changed the owner
    assert f"**Owner:** ![](@{CSM})" in canvas_text(app)
    app.relay()
    assert canvas_calls(app) == ["conversations.canvases.create", "canvases.edit"]


def test_a_burst_of_changes_is_one_edit_showing_the_last_of_them(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.relay()
    for n, people in enumerate(("Priya Shah (CFO)", "Tom Lee", "Priya Shah (CFO)\nTom Lee")):
        values = field_state(decision_makers=people, promises_made=f"SSO by January ({n})")
        reply = app.submit("handoff_fields", user=AE_ID, handoff_id=handoff_id, values=values)
        assert reply.status == 200
        app.executor.drain()  # one save after the other, so "the last of them" is defined
    report = app.relay()
    assert report.canvases_written == 1
    [edit] = app.slack.calls_to("canvases.edit")
    [change] = edit.args["changes"]
    assert change["operation"] == "replace" and "section_id" not in change  # the whole canvas
    text = canvas_text(app)
    assert "- Priya Shah \\(CFO\\)\n- Tom Lee\n" in text
    assert f"_entered by ![](@{AE_ID}) 23 Nov 2026_" in text
    assert "**SSO by January \\(2\\)** — 🟡 Proposed" in text
    assert "(0)" not in text and "(1)" not in text
    app.relay()
    assert len(app.slack.calls_to("canvases.edit")) == 1


def test_a_channel_that_has_a_canvas_gets_a_section_not_a_second_canvas(app: RunningApp) -> None:
    with app.slack.workspace.lock:
        theirs = app.slack.workspace.add_channel_canvas(DEAL_CHANNEL, "# Team notes\nKeep this.")
    handoff_id = start_handoff(app)
    [create] = app.slack.calls_to("conversations.canvases.create")
    assert create.response["error"] == "channel_canvas_already_exists"
    [insert] = app.slack.calls_to("canvases.edit")
    assert insert.args["canvas_id"] == theirs
    assert insert.args["changes"][0]["operation"] == "insert_at_end"
    assert canvas_text(app).startswith("# Team notes\nKeep this.\n" + TITLE)
    app.relay()
    [row] = app.rows_of(BriefCanvas)
    assert (row.mode, row.canvas_id) == ("section", theirs)

    values = field_state(decision_makers="Priya Shah (CFO)")
    app.submit("handoff_fields", user=AE_ID, handoff_id=handoff_id, values=values)
    app.settle()
    replace = app.slack.calls_to("canvases.edit")[-1]
    [change] = replace.args["changes"]
    assert change["operation"] == "replace" and change["section_id"].startswith("temp:C:")
    text = canvas_text(app)
    assert text.startswith("# Team notes\nKeep this.\n" + TITLE)
    assert text.count(TITLE) == 1 and "Priya Shah \\(CFO\\)" in text
    assert len(app.slack.workspace.canvases) == 1


@pytest.mark.parametrize(
    ("refusal", "answer"),
    [("scope", "missing_scope"), ("plan", "team_tier_cannot_create_channel_canvases")],
)
def test_without_canvases_the_modal_brief_remains_and_admins_are_told_once(
    app: RunningApp, refusal: str, answer: str
) -> None:
    if refusal == "scope":
        app.slack.scopes = MANIFEST_SCOPES - {"canvases:write", "canvases:read"}
    else:
        app.slack.workspace.plan_error = answer
    start_handoff(app)
    app.relay()
    [told] = admin_dms(app)
    assert f"`{answer}`" in told and "View brief" in told
    [row] = app.rows_of(BriefCanvas)
    assert (row.mode, row.error) == ("unavailable", answer)
    assert "docs/T0HANDOFF" not in card_blocks(app) and "View brief" in card_blocks(app)

    # Another handoff, and the daily retry: refused again, the admins are not told again.
    app.send(deal_event("evt_second", id="006SECOND", name="Beta — Core", channel="C0SECOND1"))
    app.slack.add_channel("C0SECOND1", "deal-beta")
    app.relay()
    app.clock.advance(timedelta(days=1, minutes=1))
    app.relay()
    app.relay()
    assert len(admin_dms(app)) == 1
    notices = [r for r in app.rows(OutboxMessage) if r.kind is OutboxKind.NOTIFY_ADMINS]
    assert len(notices) == 1
    refused = [c for c in app.slack.calls_to("conversations.canvases.create") if not c.ok]
    assert len(refused) >= 3 and {c.response["error"] for c in refused} == {answer}


def test_slack_down_delays_the_canvas_and_the_retry_creates_it(app: RunningApp) -> None:
    app.slack.inject(Fault("status", method="conversations.canvases.create", status=503))
    start_handoff(app)
    [row] = app.rows_of(BriefCanvas)
    assert (row.mode, row.attempts, row.dirty) == (None, 1, True)
    assert app.slack.workspace.channel_canvas(DEAL_CHANNEL) is None
    app.relay()  # not due yet: backing off
    assert len(app.slack.calls_to("conversations.canvases.create")) == 0
    app.clock.advance(timedelta(seconds=3))
    assert app.relay().canvases_written == 1
    assert canvas_text(app).startswith(TITLE)


def test_a_create_whose_answer_was_lost_is_found_not_made_twice(app: RunningApp) -> None:
    app.slack.inject(Fault("reset_after", method="conversations.canvases.create"))
    start_handoff(app)
    assert canvas_text(app).startswith(TITLE)  # Slack made it; the answer never came
    app.clock.advance(timedelta(seconds=3))
    app.relay()
    assert len(app.slack.workspace.canvases) == 1
    assert len(re.findall(r"^# ", canvas_text(app), flags=re.MULTILINE)) == 1
    [row] = app.rows_of(BriefCanvas)
    assert row.mode == "section" and row.canvas_id is not None


def test_a_canvas_deleted_in_slack_is_made_again(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.relay()
    with app.slack.workspace.lock:
        canvas_id = app.slack.workspace.channel_canvases.pop(DEAL_CHANNEL)
        del app.slack.workspace.canvases[canvas_id]
    app.submit(
        "handoff_fields",
        user=AE_ID,
        handoff_id=handoff_id,
        values=field_state(risks="Legal review"),
    )
    app.settle()
    app.relay()
    assert "Legal review" in canvas_text(app)
    [row] = app.rows_of(BriefCanvas)
    assert row.mode == "channel" and row.canvas_id != canvas_id


def test_deals_sharing_a_channel_share_its_canvas_a_section_each(app: RunningApp) -> None:
    first = start_handoff(app)
    second = start_handoff(app, id="006SECOND", name="Acme — Expansion")
    app.clock.advance(timedelta(seconds=1))  # the channel's next posting turn
    app.relay()
    assert len(app.slack.calls_to("conversations.canvases.create")) == 1  # known: not asked
    text = canvas_text(app)
    assert text.startswith(f"{TITLE}{first}\\)") and f"Expansion \\(\\#{second}\\)" in text
    for handoff_id, risk in ((first, "Legal review"), (second, "Budget freeze")):
        values = field_state(risks=risk)
        app.submit("handoff_fields", user=AE_ID, handoff_id=handoff_id, values=values)
    app.settle()
    text = canvas_text(app)
    first_brief, second_brief = text.split("# Handoff brief: Acme — Expansion")
    assert "Legal review" in first_brief and "Budget freeze" in second_brief
    assert text.count("# Handoff brief") == 2 and len(app.slack.workspace.canvases) == 1


def test_until_the_ledger_each_line_of_promises_made_is_a_proposed_commitment() -> None:
    from bot.delivery.canvas_upkeep import promises_from_field
    from bot.domain.read_models import FieldLine
    from storage.enums import FieldSource
    from tests.blocks.test_blocks import card

    def promises(value: str, source: FieldSource = FieldSource.PERSON) -> list[object]:
        line = FieldLine("promises_made", "Promises", True, value, source, set_by=AE_ID)
        return promises_from_field(card(fields=(line,)))  # type: ignore[return-value]

    found = promises("- SSO by January\n• A named TAM\n\n")
    assert [(p.text, p.status, p.entered_by) for p in found] == [  # type: ignore[attr-defined]
        ("SSO by January", "proposed", AE_ID),
        ("A named TAM", "proposed", AE_ID),
    ]
    assert promises("None") == [] and promises("n/a.") == []
    [from_crm] = promises("Free training", FieldSource.CRM)
    assert from_crm.entered_by is None  # type: ignore[attr-defined]


def test_a_kept_suggestion_shows_its_call_and_quote_until_retention_deletes_the_call(
    app: RunningApp,
) -> None:
    from tests.support.context import (
        USE_CASE,
        open_details,
        post_transcript,
        settle_context,
        submit_modal,
        transcript_body,
    )

    handoff_id = start_handoff(app, fields={})
    post_transcript(app, transcript_body())
    settle_context(app)
    submit_modal(app, open_details(app, user=AE_ID, handoff_id=handoff_id), user=AE_ID)
    app.settle()
    text = canvas_text(app)
    [goal] = [part for part in text.split("## ") if part.startswith("Goals and use case")]
    assert plain_text(goal).startswith(f"Goals and use case\n{USE_CASE}\n_from the ")
    assert f": “{USE_CASE}” — confirmed by ![](@{AE_ID})" in plain_text(goal)

    days = app.runtime.playbook.context.retention_days
    app.clock.advance(timedelta(days=days + 30))
    assert app.runtime.context_upkeep.purge_expired() >= 1
    edits = len(app.slack.calls_to("canvases.edit"))
    app.relay()
    assert len(app.slack.calls_to("canvases.edit")) == edits + 1
    [goal] = [part for part in canvas_text(app).split("## ") if part.startswith("Goals and")]
    assert "“" not in goal and "confirmed by" in goal  # where it was said stays, not the quote


def test_the_canvas_shows_the_ledger_and_follows_the_sync_review(app: RunningApp) -> None:
    from storage.commitment_models import Commitment
    from tests.support.context import post_transcript, settle_context, transcript_body
    from tests.support.team import COMPLETE

    no_promises = {k: v for k, v in COMPLETE.items() if k != "promises_made"}
    handoff_id = start_handoff(app, fields=no_promises)
    post_transcript(app, transcript_body())
    settle_context(app)
    app.relay()
    [promise] = app.rows(Commitment)
    [section] = [p for p in canvas_text(app).split("## ") if p.startswith("Commitments made")]
    assert "SSO live" in section and "🟡 Proposed" in section
    assert "promised by Dana Ae" in plain_text(section)
    assert "the source" in plain_text(section) and "https://acme.gong.io" in section

    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    decision = f"review_decision:{promise.id}"
    app.submit(
        "handoff_commitment_review",
        user=CSM,
        handoff_id=handoff_id,
        values={decision: {"type": "radio_buttons", "selected_option": {"value": "confirm"}}},
    )
    app.settle()
    app.relay()
    [section] = [p for p in canvas_text(app).split("## ") if p.startswith("Commitments made")]
    assert "🔵 Confirmed" in section and "🟡 Proposed" not in section
    assert f"owner ![](@{CSM})" in section


def plain_text(markdown: str) -> str:
    return re.sub(r"\\([^@])", r"\1", markdown)
