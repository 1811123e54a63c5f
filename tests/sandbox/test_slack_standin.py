"""The Slack stand-in behaves like Slack where the app depends on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox import FakeSlack, Fault


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack(token="xoxb-t").start()
    slack.add_channel("C1", "general")
    yield slack
    slack.stop()


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-t", base_url=fake.url, retry_handlers=[])


def error_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


def test_unknown_method_and_missing_arguments(client: WebClient) -> None:
    assert error_of(lambda: client.api_call("chat.fly")) == "unknown_method"
    assert (
        error_of(lambda: client.api_call("chat.update", json={"channel": "C1"}))
        == "invalid_arguments"
    )


def test_wrong_token_is_invalid_auth(fake: FakeSlack) -> None:
    other = WebClient(token="xoxb-other", base_url=fake.url)
    assert error_of(other.auth_test) == "invalid_auth"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_invalid_blocks_and_missing_fallback_are_refused(client: WebClient) -> None:
    too_long = [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]
    assert (
        error_of(lambda: client.chat_postMessage(channel="C1", text="t", blocks=too_long))
        == "invalid_blocks"
    )
    fine = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    assert (
        error_of(lambda: client.chat_postMessage(channel="C1", blocks=fine))
        == "missing_text_fallback"
    )
    assert client.chat_postMessage(channel="C1", text="hi", blocks=fine)["ok"]


def test_channels_users_and_history(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", email="a@b.example", name="A")
    assert client.users_lookupByEmail(email="A@b.example")["user"]["id"] == "U1"
    assert error_of(lambda: client.users_lookupByEmail(email="x@y.example")) == "users_not_found"
    created = client.conversations_create(name="handoff-acme")["channel"]["id"]
    assert error_of(lambda: client.conversations_create(name="handoff-acme")) == "name_taken"
    assert (
        error_of(lambda: client.conversations_create(name="Has Spaces")) == "invalid_name_specials"
    )
    ts = client.chat_postMessage(
        channel=created, text="x", metadata={"event_type": "e", "event_payload": {"k": "v"}}
    )["ts"]
    history = client.conversations_history(channel=created, include_all_metadata=True)["messages"]
    assert history[0]["ts"] == ts and history[0]["metadata"]["event_payload"] == {"k": "v"}


def test_injected_faults(fake: FakeSlack, client: WebClient) -> None:
    fake.inject(Fault("ratelimit", method="auth.test", retry_after=7))
    with pytest.raises(SlackApiError) as caught:
        client.auth_test()
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "7"
    fake.inject(Fault("status", status=502))
    with pytest.raises(SlackApiError):
        client.auth_test()
    fake.inject(Fault("reset"))
    with pytest.raises(OSError):
        client.auth_test()
    assert client.auth_test()["ok"]


def test_scopes_are_named_and_enforced_per_kind_of_channel() -> None:
    slack = FakeSlack(token="xoxb-t", scopes={"chat:write", "channels:history"}).start()
    try:
        slack.add_channel("C1", "general")
        slack.add_channel("G1", "secret", is_private=True)
        client = WebClient(token="xoxb-t", base_url=slack.url, retry_handlers=[])
        identity = client.auth_test()
        assert identity.headers["x-oauth-scopes"] == "channels:history,chat:write"
        assert client.conversations_history(channel="C1")["ok"]
        with pytest.raises(SlackApiError) as caught:
            client.conversations_history(channel="G1")
        assert caught.value.response["error"] == "missing_scope"
        assert caught.value.response["needed"] == "groups:history"
        assert error_of(lambda: client.conversations_invite(channel="G1", users="U1")) == (
            "missing_scope"
        )
    finally:
        slack.stop()


def test_conversations_info_and_list_show_what_a_bot_sees(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.add_channel("C2", "elsewhere", bot_is_member=False)
    fake.add_channel("G1", "secret", is_private=True)
    fake.add_channel("G2", "hidden", is_private=True, bot_is_member=False)
    assert client.conversations_info(channel="C1")["channel"]["is_member"] is True
    assert client.conversations_info(channel="C2")["channel"]["is_member"] is False
    assert error_of(lambda: client.conversations_info(channel="G2")) == "channel_not_found"
    listed = client.conversations_list(types="public_channel,private_channel")["channels"]
    assert {c["id"] for c in listed} == {"C1", "C2", "G1"}
    assert {c["id"] for c in client.conversations_list()["channels"]} == {"C1", "C2"}
