"""Private deal channels work end to end with exactly the scopes manifest.yml asks for.

The stand-in refuses, with Slack's ``missing_scope``, any call the granted scopes do not cover
for that kind of channel (``groups:history`` to read a private channel, ``groups:write`` to
invite into it, ``groups:read`` to list it), so these tests prove the manifest is enough.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack, Fault
from storage.enums import OutboxStatus
from storage.models import Handoff, OutboxMessage
from tests.conftest import AE_EMAIL, AE_ID, BOT_TOKEN, RunningApp, start_app
from tests.support.events import deal_event

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
MANIFEST_SCOPES = frozenset(yaml.safe_load(MANIFEST.read_text())["oauth_config"]["scopes"]["bot"])
PRIVATE = "G0PRIVDEAL"


def private_app(
    engine: Engine, clock: ManualClock, playbook: Playbook, scopes: frozenset[str]
) -> Iterator[RunningApp]:
    slack = FakeSlack(token=BOT_TOKEN, scopes=scopes).start()
    slack.add_user(AE_ID, email=AE_EMAIL, name="Dana Ae")
    # An admin made the deal's channel private and invited @Handoff, as the README says.
    slack.add_channel(PRIVATE, "handoff-acme-corp", is_private=True)
    app = start_app(engine, slack, clock, playbook)
    yield app
    app.stop()  # type: ignore[attr-defined]
    slack.stop()


@pytest.fixture
def app(engine: Engine, clock: ManualClock, playbook: Playbook) -> Iterator[RunningApp]:
    yield from private_app(engine, clock, playbook, MANIFEST_SCOPES)


def test_a_private_channel_named_for_the_account_gets_the_card_and_the_ae(
    app: RunningApp,
) -> None:
    app.send(deal_event(channel=None))
    report = app.relay()
    assert report.posted == 1, report.errors
    assert len(app.cards(PRIVATE)) == 1
    assert AE_ID in app.slack.channel(PRIVATE)["members"]
    [invite] = app.rows(OutboxMessage)
    assert invite.status is OutboxStatus.DONE
    assert not [c for c in app.slack.calls if c.response.get("error") == "missing_scope"]


def test_a_lost_answer_in_a_private_channel_is_found_not_posted_twice(app: RunningApp) -> None:
    app.send(deal_event(channel=PRIVATE))
    app.slack.inject(Fault("reset_after", method="chat.postMessage"))
    assert app.relay().deferred == 1
    app.clock.advance(timedelta(minutes=1))
    report = app.relay()
    assert (report.posted, report.updated, report.failed) == (0, 1, 0), report.errors
    assert len(app.cards(PRIVATE)) == 1
    [handoff] = app.rows(Handoff)
    assert handoff.card_ts == app.cards(PRIVATE)[0]["ts"]


def test_without_the_private_channel_scopes_slack_refuses(
    engine: Engine, clock: ManualClock, playbook: Playbook
) -> None:
    """What the manifest lacked before: the same deal, the scopes of private channels gone."""
    public_only = MANIFEST_SCOPES - {"groups:history", "groups:read", "groups:write"}
    for app in private_app(engine, clock, playbook, public_only):
        app.send(deal_event(channel=None))
        report = app.relay()
        assert report.posted == 0 and "missing_scope" in report.errors[0]
