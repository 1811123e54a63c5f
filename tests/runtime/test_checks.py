"""``python app.py check``: Slack's token, scopes and channels, the database, the CRM."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import Settings
from bot.runtime.checks import check_slack_setup, checks, needed_scopes, run_check
from bot.sandbox import FakeSlack
from tests.conftest import BOT_TOKEN
from tests.test_cli import clean_env, free_port, run_app

CS, ESCALATIONS, LEADERS = "C0CSTEAM0", "C0ESCALATE", "C0LEADERS"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(token=BOT_TOKEN, scopes=needed_scopes()).start()
    fake.add_channel(CS, "cs-team")
    fake.add_channel(ESCALATIONS, "cs-escalations", bot_is_member=False)
    fake.add_channel(LEADERS, "cs-leadership", is_private=True)
    yield fake
    fake.stop()


def channels_playbook() -> Playbook:
    playbook = load_playbook()
    return playbook.model_copy(
        update={
            "channels": playbook.channels.model_copy(update={"cs_channel_id": CS}),
            "sla": playbook.sla.model_copy(update={"escalation_channel_id": ESCALATIONS}),
            "reporting": playbook.reporting.model_copy(
                update={"channel_id": LEADERS, "audit_channel_id": "C0GONE000"}
            ),
        }
    )


def settings(slack: FakeSlack, **values: object) -> Settings:
    return Settings.model_validate(
        {"slack_bot_token": BOT_TOKEN, "slack_api_url": slack.url, **values}
    )


def test_slack_token_scopes_and_each_channel(slack: FakeSlack) -> None:
    report = check_slack_setup(settings(slack), channels_playbook())
    assert report.lines == [
        "ok    signed in to workspace Sandbox as @handoff",
        f"ok    has every scope manifest.yml asks for ({len(needed_scopes())})",
        f"ok    channels.cs_channel_id: #cs-team ({CS})",
        f"FAIL  sla.escalation_channel_id: the bot is not in #cs-escalations ({ESCALATIONS}); "
        "type /invite @Handoff in that channel",
        f"ok    reporting.channel_id: #cs-leadership ({LEADERS})",
        "FAIL  reporting.audit_channel_id: Slack knows no channel C0GONE000, or it is private "
        "and the bot is not in it; correct the id, or type /invite @Handoff in that channel",
    ]
    assert not report.ok


def test_missing_scopes_are_named(slack: FakeSlack) -> None:
    slack.scopes = frozenset(needed_scopes() - {"groups:history", "groups:write"})
    report = check_slack_setup(settings(slack), load_playbook())
    assert (
        "FAIL  the app lacks the scopes groups:history, groups:write: add them from manifest.yml "
        "under OAuth & Permissions > Scopes, then reinstall the app to the workspace"
    ) in report.lines


def test_a_refused_token_and_an_unreachable_slack(slack: FakeSlack) -> None:
    refused = check_slack_setup(
        Settings(slack_bot_token="xoxb-wrong", slack_api_url=slack.url), load_playbook()
    )
    assert refused.lines == [
        "FAIL  Slack refused SLACK_BOT_TOKEN (invalid_auth): copy it again from OAuth & Permissions"
    ]
    nowhere = f"http://127.0.0.1:{free_port()}/api/"
    unreachable = check_slack_setup(
        Settings(slack_bot_token=BOT_TOKEN, slack_api_url=nowhere), load_playbook()
    )
    [line] = unreachable.lines
    assert line.startswith("FAIL  cannot reach 127.0.0.1 (SLACK_API_URL): ")
    assert "check the network" in line
    unset = check_slack_setup(Settings(), load_playbook())
    assert unset.lines[0].startswith("FAIL  SLACK_BOT_TOKEN is not set")


def test_check_is_a_list_of_sections(slack: FakeSlack, tmp_path: Path) -> None:
    printed: list[str] = []
    url = f"sqlite:///{tmp_path / 'h.db'}"
    code = run_check(settings(slack, database_url=url), out=printed.append)
    assert [title for title, _ in checks()] == ["Slack", "Database", "Salesforce", "HubSpot"]
    assert [line for line in printed if not line.startswith("  ")] == [
        "Slack",
        "Database",
        "Salesforce",
        "HubSpot",
        "Everything is in place.",
    ]
    assert "  skip  not configured (set the SALESFORCE_* variables to connect)" in printed
    assert any("not up to date" in line and line.startswith("  note") for line in printed)
    assert code == 0


def test_check_as_a_process_names_what_failed(slack: FakeSlack, tmp_path: Path) -> None:
    slack.scopes = frozenset(needed_scopes() - {"groups:read"})
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=slack.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}",
    )
    result = run_app("check", env=env)
    assert result.returncode == 1
    assert "  FAIL  the app lacks the scopes groups:read" in result.stdout
    assert result.stdout.rstrip().endswith("Fix the lines marked FAIL, then run this again.")
    assert "Traceback" not in result.stderr
