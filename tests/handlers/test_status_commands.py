"""Status everywhere: /handoff subcommands, the App Home, the audit trail."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.conftest import AE_ID, SIGNING_SECRET, RunningApp
from tests.support.signing import app_home_opened, post_json_to_slack_endpoint
from tests.support.team import (
    COMPLETE,
    CSM,
    REVIEWER,
    field_state,
    start_handoff,
)

pytestmark = pytest.mark.team


def reply_of(app: RunningApp, text: str, user: str = CSM) -> dict:
    before = len(app.slack.responses())
    answer = app.command(text, user=user)
    assert answer.status == 200
    app.executor.drain()
    [reply] = app.slack.responses()[before:]
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    return reply


def two_deals(app: RunningApp) -> None:
    start_handoff(app)
    start_handoff(
        app,
        fields=COMPLETE,
        id="006GLOBEX01",
        name="Globex — Analytics",
        account_name="Globex",
        slack_channel_id=None,
    )


def test_status_finds_one_handoff_by_partial_name(app: RunningApp) -> None:
    two_deals(app)
    reply = reply_of(app, "status globex")
    text = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "*Globex — Analytics* (Globex)" in text and "waiting for a CSM" in text
    assert "(4/4)" in text


def test_status_with_several_matches_lists_them(app: RunningApp) -> None:
    two_deals(app)
    reply = reply_of(app, "status —")
    assert "Several handoffs match" in reply["text"]
    assert "Acme — Platform" in reply["text"] and "Globex — Analytics" in reply["text"]


def test_status_without_a_match_says_so(app: RunningApp) -> None:
    two_deals(app)
    assert "No handoff matches “initech”" in reply_of(app, "status initech")["text"]


def test_mine_groups_by_role(app: RunningApp) -> None:
    two_deals(app)
    handoff_id = app.rows_ids()[0]
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    ae = json.dumps(reply_of(app, "mine", user=AE_ID)["blocks"], ensure_ascii=False)
    assert "As AE" in ae and "Acme — Platform" in ae and "Globex — Analytics" in ae
    csm = json.dumps(reply_of(app, "mine", user=CSM)["blocks"], ensure_ascii=False)
    assert "As owner" in csm and "Acme — Platform" in csm and "Globex" not in csm
    reviewer = json.dumps(reply_of(app, "mine", user=REVIEWER)["blocks"], ensure_ascii=False)
    assert "Awaiting your review" in reviewer


def test_queue_lists_unclaimed_with_claim_buttons(app: RunningApp) -> None:
    two_deals(app)
    app.click("claim", user=CSM, handoff_id=app.rows_ids()[0])
    app.settle()
    reply = reply_of(app, "queue")
    text = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "Globex — Analytics" in text and "Acme — Platform" not in text
    assert '"action_id": "claim"' in text


def test_overdue_after_the_sla(app: RunningApp) -> None:
    two_deals(app)
    assert "Nothing is past its SLA" in reply_of(app, "overdue")["text"]
    app.clock.advance(timedelta(hours=49))
    text = json.dumps(reply_of(app, "overdue")["blocks"], ensure_ascii=False)
    assert "Acme — Platform" in text and "Globex — Analytics" in text


def test_history_shows_who_did_what(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.submit(
        "handoff_fields", user=AE_ID, handoff_id=handoff_id, values=field_state(risks="Tight")
    )
    app.settle()
    text = reply_of(app, "history acme")["text"]
    assert "History of Acme — Platform" in text
    assert "the CRM · Handoff started" in text
    assert f"<@{CSM}> · Claimed: owner nobody → <@{CSM}>" in text
    assert f"<@{AE_ID}> · Field set: risks: — → Tight" in text


@pytest.mark.parametrize("text", ["", "help", "frobnicate"])
def test_anything_else_is_help_in_the_ack(app: RunningApp, text: str) -> None:
    answer = app.command(text, user=CSM)
    assert answer.body["response_type"] == "ephemeral"
    assert "/handoff queue" in json.dumps(answer.body["blocks"])


def test_app_home_on_open_and_after_a_change(app: RunningApp) -> None:
    two_deals(app)
    reply = post_json_to_slack_endpoint(app.url, app_home_opened(CSM), secret=SIGNING_SECRET)
    assert reply.status == 200
    app.executor.drain()
    [home] = app.slack.views("views.publish")
    text = json.dumps(home, ensure_ascii=False)
    assert home["type"] == "home" and "*Unclaimed queue* (2)" in text

    app.click("claim", user=CSM, handoff_id=app.rows_ids()[0], home=True)
    app.settle()
    # The relay refreshed the homes of the people concerned: the new owner's now shows it.
    refreshed = [c for c in app.slack.calls_to("views.publish") if c.args["user_id"] == CSM]
    assert len(refreshed) == 2
    latest = refreshed[-1].args["view"]
    latest = json.dumps(
        json.loads(latest) if isinstance(latest, str) else latest, ensure_ascii=False
    )
    assert "*As owner* (1)" in latest and "*Unclaimed queue* (1)" in latest
