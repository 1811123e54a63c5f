"""Signed requests into Bolt at /slack/events, as Slack sends them."""

from __future__ import annotations

import time

from bot.slack.ids import Action
from tests.conftest import SIGNING_SECRET, RunningApp
from tests.support.signing import block_action, post_to_slack_endpoint, slash_command


def test_handoff_help_is_an_ephemeral_reply(running_app: RunningApp) -> None:
    reply = post_to_slack_endpoint(running_app.url, slash_command("help"), secret=SIGNING_SECRET)
    assert reply.status == 200
    assert reply.body["response_type"] == "ephemeral"
    assert "/handoff help" in str(reply.body["blocks"])
    assert reply.body["text"]


def test_bare_and_unknown_subcommands_get_help(running_app: RunningApp) -> None:
    for text in ("", "what is this"):
        reply = post_to_slack_endpoint(running_app.url, slash_command(text), secret=SIGNING_SECRET)
        assert reply.status == 200 and reply.body["response_type"] == "ephemeral"
        assert "/handoff queue" in str(reply.body["blocks"])


def test_unsigned_request_is_rejected(running_app: RunningApp) -> None:
    reply = post_to_slack_endpoint(
        running_app.url, slash_command("help"), secret=SIGNING_SECRET, signature_override="v0=bad"
    )
    assert reply.status == 401


def test_request_signed_with_another_secret_is_rejected(running_app: RunningApp) -> None:
    reply = post_to_slack_endpoint(running_app.url, slash_command("help"), secret="someone-else")
    assert reply.status == 401


def test_stale_request_is_rejected(running_app: RunningApp) -> None:
    reply = post_to_slack_endpoint(
        running_app.url,
        slash_command("help"),
        secret=SIGNING_SECRET,
        timestamp=int(time.time()) - 6 * 60,
    )
    assert reply.status == 401


def test_open_in_crm_link_click_is_acknowledged(running_app: RunningApp) -> None:
    reply = post_to_slack_endpoint(
        running_app.url,
        block_action(Action.OPEN_CRM_RECORD, user_id="U0CSM0001", url="https://crm.example/d/1"),
        secret=SIGNING_SECRET,
    )
    assert reply.status == 200
    # Bolt identifies the bot once (auth.test); the click itself needs no Web API call.
    assert {call.method for call in running_app.slack.calls} <= {"auth.test"}
