"""Settings and playbook validation: a bad value stops the app with a message naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.errors import ConfigError
from bot.config.playbook import load_playbook, parse_playbook
from bot.config.settings import Settings

MINIMAL_FIELDS = "fields: [{key: primary_use_case, label: Primary use case, required: true}]\n"


def test_default_playbook_has_the_standard_fields() -> None:
    playbook = load_playbook()
    assert [f.key for f in playbook.fields] == [
        "primary_use_case",
        "success_metrics",
        "decision_makers",
        "promises_made",
        "risks",
        "customer_timeline",
        "call_recordings",
    ]
    assert playbook.sla.warn_hours == 24 and playbook.sla.breach_hours == 48
    assert playbook.stages.closing == ["Closed Won"]
    assert playbook.channels.strategy == "per_deal"
    assert playbook.is_closing("closed won")


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            MINIMAL_FIELDS + "sla: {warn_hours: 50, breach_hours: 48}",
            "sla: warn_hours must be less than breach_hours",
        ),
        (
            MINIMAL_FIELDS + "channels: {strategy: fixed}",
            "channels: strategy 'fixed' needs fixed_channel_id",
        ),
        (MINIMAL_FIELDS + "channels: {strategy: everywhere}", "channels.strategy: "),
        (
            MINIMAL_FIELDS + "channels: {fixed_channel_id: general}",
            "channels.fixed_channel_id: 'general' is not a Slack channel id; write an id such as "
            "C0123ABCD",
        ),
        (
            MINIMAL_FIELDS + "team: {csms: [casey]}",
            "team.csms[0]: 'casey' is neither a Slack user id nor a user group handle",
        ),
        (MINIMAL_FIELDS + "sla: {warn_hour: 3}", "sla.warn_hour: unknown key"),
        ("fields: []", "fields: List should have at least 1 item"),
        ("fields: [{key: Use Case, label: x}]", "fields[Use Case].key: must be lower_snake_case"),
        ("fields: [{key: a, label: x}, {key: a, label: y}]", "fields: duplicate field key(s): a"),
        (
            "fields: [{key: a, label: x}, {key: primary_use_case, label: x, type: video}]",
            "fields[primary_use_case].type: 'video' is not allowed here; write 'text', "
            "'long_text', 'contacts', 'date' or 'urls'",
        ),
        (
            MINIMAL_FIELDS + "stages: {closing: [Won], lost: [won]}",
            "stage 'won' is listed in both closing and lost",
        ),
        ("- just a list", "expected a mapping"),
        (
            "fields: [unclosed",
            "not valid YAML at line 1, column 18: expected ',' or ']', but got '<stream end>'",
        ),
        (
            MINIMAL_FIELDS + "sla:\n\twarn_hours: 3\n",
            "not valid YAML at line 3, column 1: found character '\\t' that cannot start any "
            "token (indent with spaces, not tabs)",
        ),
        (
            MINIMAL_FIELDS + "sla: {escalation_channel_id: cs-escalations}",
            "sla.escalation_channel_id: 'cs-escalations' is not a Slack channel id",
        ),
        (
            MINIMAL_FIELDS + "sla: {managers: [U0ADA, ada]}",
            "sla.managers[1]: 'ada' is neither a Slack user id nor a user group handle",
        ),
        (
            MINIMAL_FIELDS + "reporting: {audit_channel_id: revops}",
            "reporting.audit_channel_id: 'revops' is not a Slack channel id",
        ),
        (
            MINIMAL_FIELDS + "salesforce: {user_overrides: {casey: 005xx0000012345}}",
            "salesforce.user_overrides.casey: 'casey' is not a Slack user id",
        ),
        (
            MINIMAL_FIELDS + "salesforce: {user_overrides: {U0CASEY: casey@vendor.example}}",
            "salesforce.user_overrides.U0CASEY: 'casey@vendor.example' is not a Salesforce user id",
        ),
        ("sla: {}", "fields: is required"),
    ],
)
def test_bad_playbook_names_the_key(yaml_text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_playbook(yaml_text, source="mine.yml")
    assert "playbook mine.yml: " in str(caught.value)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)  # one line, never PyYAML's multi-line report


def test_playbook_file_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read it"):
        load_playbook(tmp_path / "missing.yml")


def test_settings_from_environment() -> None:
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "PORT": "8080",
            "DATABASE_URL": "postgresql+psycopg://u@h/db",
            "UNRELATED": "x",
        }
    )
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.port == 8080 and not settings.socket_mode
    assert Settings.from_env({}).database_url == "sqlite:///handoff.db"
    assert Settings.from_env({"SLACK_APP_TOKEN": "xapp-1"}).socket_mode


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "eighty"}, "PORT: 'eighty' is not a whole number; write one such as 3000"),
        ({"PORT": "0"}, "PORT: 0 is too small; write at least 1"),
        (
            {"LOG_LEVEL": "verbose"},
            "LOG_LEVEL: 'verbose' is not a log level; write one of DEBUG, INFO, WARNING, ERROR",
        ),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT: 'xml' is not a log format; write text"),
        (
            {"DATABASE_URL": "mysql://db.example/handoff"},
            "DATABASE_URL: mysql is not supported; write sqlite:///handoff.db or "
            "postgresql+psycopg://",
        ),
        (
            {"DATABASE_URL": "postgresql+psycopg2://db.example/handoff"},
            "DATABASE_URL: Handoff talks to PostgreSQL with psycopg 3; write "
            "postgresql+psycopg://… instead of postgresql+psycopg2://…",
        ),
        ({"DATABASE_URL": "handoff.db"}, "DATABASE_URL: this is not a database URL; write"),
        (
            {"SALESFORCE_ORGANIZATION_ID": "acme"},
            "SALESFORCE_ORGANIZATION_ID: 'acme' is not an organization id",
        ),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN: must be a bot token"),
        ({"SLACK_APP_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN: must be an app-level token"),
        ({"SLACK_API_URL": "slack.com"}, "SLACK_API_URL: "),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert str(caught.value).startswith(expected)


def test_serving_needs_token_and_secret_unless_socket_mode() -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        Settings().require_for_serving()
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        Settings(slack_bot_token="xoxb-1").require_for_serving()
    Settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1").require_for_serving()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        (
            "postgres://u:secret@db.example:5432/handoff",
            "postgresql+psycopg://u:secret@db.example:5432/handoff?connect_timeout=10",
        ),
        (
            "postgresql://db.example/handoff",
            "postgresql+psycopg://db.example/handoff?connect_timeout=10",
        ),
        (
            "postgresql+psycopg://db.example/handoff?connect_timeout=3",
            "postgresql+psycopg://db.example/handoff?connect_timeout=3",
        ),
        ("sqlite:///handoff.db", "sqlite:///handoff.db"),
    ],
)
def test_database_urls_as_hosts_hand_them_out(given: str, used: str) -> None:
    """Heroku and others hand out postgres://; Handoff maps it onto the driver it ships."""
    assert Settings.from_env({"DATABASE_URL": given}).database_url == used


def test_log_settings_are_normalised() -> None:
    settings = Settings.from_env({"LOG_LEVEL": "debug", "LOG_FORMAT": "JSON"})
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
