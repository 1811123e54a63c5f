"""The card's overflow menu, the details modal's partial save, and user groups wherever people
are listed (admins told of problems, the sync's attendee picker)."""

from __future__ import annotations

import json

import pytest

from bot.config.playbook import Playbook
from storage.enums import FieldSource, HandoffStatus
from storage.models import FieldValue, Handoff
from tests.conftest import AE_ID, RunningApp
from tests.support.team import COMPLETE, CSM, OUTSIDER, field_state, start_handoff

pytestmark = pytest.mark.team
ADMIN_IN_GROUP, REVIEWER_IN_GROUP = "U0ADMIN02", "U0REV0002"


@pytest.fixture
def playbook(playbook: Playbook) -> Playbook:
    """Admins and reviewers given as user group handles only."""
    team = playbook.team.model_copy(
        update={"admins": ["@handoff-admins"], "reviewers": ["@cs-leads"]}
    )
    return playbook.model_copy(update={"team": team})


@pytest.fixture
def app(app: RunningApp) -> RunningApp:
    for user, name in ((ADMIN_IN_GROUP, "Adam Admin"), (REVIEWER_IN_GROUP, "Rhea Reviewer")):
        app.slack.add_user(user, email=f"{user.lower()}@vendor.example", name=name)
    app.slack.add_usergroup("S0ADMINS", "handoff-admins", [ADMIN_IN_GROUP])
    app.slack.add_usergroup("S0LEADS", "cs-leads", [REVIEWER_IN_GROUP])
    return app


def claimed(app: RunningApp, fields: dict[str, str] | None = None) -> int:
    handoff_id = start_handoff(app, fields=fields)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    return handoff_id


def menu_of(app: RunningApp) -> list[str]:
    [row] = [b for b in app.cards()[0]["blocks"] if b["type"] == "actions"]
    [menu] = [e for e in row["elements"] if e["type"] == "overflow"]
    return [option["value"] for option in menu["options"]]


def test_the_menu_opens_the_same_modals_and_runs_the_same_actions(app: RunningApp) -> None:
    handoff_id = claimed(app)
    assert menu_of(app) == [
        f"grant_exception:{handoff_id}",
        f"reassign:{handoff_id}",
        f"release:{handoff_id}",
        f"commitments:{handoff_id}",
    ]
    assert app.choose("reassign", user=CSM, handoff_id=handoff_id).status == 200
    app.settle()
    assert app.slack.views()[-1]["callback_id"] == "handoff_reassign"

    app.choose("release", user=CSM, handoff_id=handoff_id)
    app.settle()
    assert app.rows(Handoff)[0].owner_slack_id is None
    assert "released this handoff" in app.thread()[-1]["text"]


def test_the_menu_refuses_like_the_buttons(app: RunningApp) -> None:
    handoff_id = claimed(app)
    app.choose("release", user=OUTSIDER, handoff_id=handoff_id)
    assert "Only the handoff's owner" in app.ephemeral_texts()[-1]
    assert app.rows(Handoff)[0].owner_slack_id == CSM
    app.choose("frobnicate", user=CSM, handoff_id=handoff_id)
    assert app.ephemeral_texts()[-1] == "That menu item is no longer offered; refresh the message."


def test_save_what_i_have_keeps_a_partial_record_and_says_what_is_missing(
    app: RunningApp,
) -> None:
    handoff_id = start_handoff(app)
    app.press_in_modal(
        "save_draft",
        user=AE_ID,
        handoff_id=handoff_id,
        callback="handoff_fields",
        values=field_state(decision_makers="Priya Shah (CFO)"),
    )
    app.settle()
    saved = {v.key: v for v in app.rows(FieldValue)}
    assert saved["decision_makers"].source is FieldSource.PERSON
    assert app.rows(Handoff)[0].status is HandoffStatus.HELD
    [update] = app.slack.calls_to("views.update")
    assert update.args["view_id"] == "V0MODAL" and update.args["hash"] == "1.abc"
    shown = json.dumps(app.slack.views("views.update")[-1], ensure_ascii=False)
    assert "Saved. Still required: Promises made in the sale." in shown
    assert "(3/4)" in json.dumps(app.cards()[0]["blocks"])


def test_save_what_i_have_with_a_bad_value_saves_nothing_and_keeps_the_inputs(
    app: RunningApp,
) -> None:
    handoff_id = start_handoff(app)
    app.press_in_modal(
        "save_draft",
        user=AE_ID,
        handoff_id=handoff_id,
        callback="handoff_fields",
        values=field_state(decision_makers="Priya", call_recordings="rec.example/1"),
    )
    app.settle()
    assert {v.key for v in app.rows(FieldValue)} == {"primary_use_case", "success_metrics"}
    view = app.slack.views("views.update")[-1]
    assert view["callback_id"] == "handoff_fields"  # the same form, block ids unchanged
    text = json.dumps(view["blocks"], ensure_ascii=False)
    assert ":warning: Not saved. *Call recording links*: Not a link" in text


def test_save_what_i_have_is_refused_to_others(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.press_in_modal(
        "save_draft",
        user=OUTSIDER,
        handoff_id=handoff_id,
        callback="handoff_fields",
        values=field_state(decision_makers="Priya"),
    )
    app.settle()
    assert "decision_makers" not in {v.key for v in app.rows(FieldValue)}
    assert any("Only the deal's AE" in text for text in app.dms(OUTSIDER))


def test_admins_given_as_a_user_group_are_told(app: RunningApp) -> None:
    """An AE Slack does not know is reported to team.admins: here only @handoff-admins."""
    start_handoff(app, owner_email="nobody@nowhere.example")
    app.relay()
    [told] = app.dms(ADMIN_IN_GROUP)
    assert "No Slack user has the email nobody@nowhere.example" in told


def test_sync_attendees_include_a_reviewer_from_a_user_group(app: RunningApp) -> None:
    handoff_id = claimed(app, fields=COMPLETE)
    app.click("schedule_sync", user=CSM, handoff_id=handoff_id)
    app.settle()
    who = next(b for b in app.slack.views()[-1]["blocks"] if b.get("block_id") == "sync_attendees")
    assert who["element"]["initial_users"] == [AE_ID, CSM, REVIEWER_IN_GROUP]
