"""The stand-in serves shared files like Slack (the bot token or a sign-in page), and the
reader the context jobs use fetches them only from Slack, within a size limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from slack_sdk import WebClient

from bot.delivery.ports import SlackRejected
from bot.sandbox import FakeSlack
from bot.slack.context_reader import SlackContextReader

TOKEN = "xoxb-t"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack(token=TOKEN).start()
    slack.add_user("U0PRIYA", email="priya@acme.example", name="Priya Shah")
    with slack.workspace.lock:
        slack.workspace.add_file("F1", name="call.vtt", content=b"WEBVTT\n", user="U0PRIYA")
    yield slack
    slack.stop()


def reader(fake: FakeSlack, token: str = TOKEN) -> SlackContextReader:
    client = WebClient(token=token, base_url=fake.url, retry_handlers=[])
    return SlackContextReader(client, api_url=fake.url)


def test_a_private_file_needs_the_bot_token(fake: FakeSlack) -> None:
    info = WebClient(token=TOKEN, base_url=fake.url).files_info(file="F1")["file"]
    url = info["url_private_download"]
    session = requests.Session()
    session.trust_env = False
    with_token = session.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    without = session.get(url, timeout=5)
    assert with_token.content == b"WEBVTT\n"
    assert without.status_code == 200 and without.headers["Content-Type"] == "text/html"


def test_the_reader_downloads_with_the_token_and_refuses_a_sign_in_page(fake: FakeSlack) -> None:
    got = reader(fake).download("F1", max_bytes=1000)
    assert (got.name, got.content) == ("call.vtt", b"WEBVTT\n")
    # A URL the token does not open answers, like Slack, 200 with its sign-in page.
    with fake.workspace.lock:
        gone = fake.workspace.files["F1"]["url_private_download"].replace("/F1/", "/F9/")
        fake.workspace.files["F1"]["url_private_download"] = gone
    with pytest.raises(SlackRejected, match="web page"):
        reader(fake).download("F1", max_bytes=1000)


def test_the_reader_refuses_big_files_and_files_off_slack(fake: FakeSlack) -> None:
    with pytest.raises(SlackRejected, match="larger than"):
        reader(fake).download("F1", max_bytes=3)
    with fake.workspace.lock:
        fake.workspace.files["F1"]["url_private_download"] = "https://evil.example/f"
    with pytest.raises(SlackRejected, match="not on Slack"):
        reader(fake).download("F1", max_bytes=1000)
    with pytest.raises(SlackRejected, match="file_not_found"):
        reader(fake).download("F404", max_bytes=1000)


def test_names_come_from_users_info_and_are_cached(fake: FakeSlack) -> None:
    names = reader(fake)
    assert names.display_name("U0PRIYA") == "Priya Shah"
    assert names.display_name("U0PRIYA") == "Priya Shah"
    assert names.display_name("U0NOBODY") is None
    assert len(fake.calls_to("users.info")) == 2
