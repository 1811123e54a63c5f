"""HubSpot's settings and the playbook's hubspot: section, validated at start."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config.errors import ConfigError
from bot.config.playbook import load_playbook, parse_playbook
from bot.config.settings import Settings

FIELDS = "fields: [{key: primary_use_case, label: Primary use case, required: true}]\n"


def test_the_default_mapping_watches_hubspots_default_pipeline() -> None:
    mapping = load_playbook().hubspot
    assert mapping.watched_stages == ["closedwon", "closedlost"]
    assert mapping.phase_of("default", "closedwon") == "closing"
    assert mapping.phase_of("default", "appointmentscheduled") is None
    assert mapping.follow_up_days == 14 and mapping.activities == "notes"


def test_numeric_pipeline_and_stage_ids_are_read_as_hubspot_ids() -> None:
    mapping = parse_playbook(
        FIELDS + "hubspot: {pipelines: {12345678: {closing: [98765432], lost: [98765433]}}}"
    ).hubspot
    assert mapping.phase_of("12345678", "98765432") == "closing"
    assert mapping.phase_of("other", "98765432") is None  # by pipeline and stage


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("{fields: {risks: handoff_risks}}", "hubspot.fields maps unknown handoff field(s): risks"),
        (
            "{fields: {primary_use_case: Use Case}}",
            "hubspot.fields.primary_use_case: 'Use Case' is not a HubSpot property's internal name",
        ),
        (
            "{pipelines: {default: {closing: [closedwon], lost: [closedwon]}}}",
            "stage 'closedwon' is listed in default.closing and default.lost",
        ),
        ("{pipelines: {default: {lost: [closedlost]}}}", "name at least one closing stage"),
        (
            "{write_back: {status: handoff_x, owner: handoff_x}}",
            "each property may be written for one purpose only",
        ),
        (
            "{fields: {primary_use_case: handoff_x}, write_back: {status: handoff_x}}",
            "handoff_x is also read into a field",
        ),
        ("{task_owner: revops}", "hubspot.task_owner: 'revops' is not an email address"),
        ("{activities: emails}", "hubspot.activities: "),
        ("{pipeline: {}}", "hubspot.pipeline: unknown key"),
    ],
)
def test_a_bad_hubspot_mapping_is_named(section: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_playbook(FIELDS + "hubspot: " + section)
    assert expected in caught.value.user_message


def test_hubspot_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "HUBSPOT_ACCESS_TOKEN": "pat-eu1-1234",
            "HUBSPOT_CLIENT_SECRET": "secret",
            "HUBSPOT_PORTAL_ID": "24680135",
            "HUBSPOT_API_URL": "http://127.0.0.1:9999/",
            "HUBSPOT_POLL_SECONDS": "0",
            "CRM_BACKFILL_FROM": "2026-11-01",
        }
    )
    assert settings.hubspot_portal_id == 24_680_135
    assert settings.hubspot_api_url == "http://127.0.0.1:9999"
    assert settings.hubspot_poll_seconds == 0
    assert settings.crm_backfill_from == date(2026, 11, 1)
    assert Settings.from_env({}).hubspot_poll_seconds == 60


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        (
            {"HUBSPOT_CLIENT_SECRET": "s"},
            "HUBSPOT_CLIENT_SECRET is set without HUBSPOT_ACCESS_TOKEN",
        ),
        (
            {"HUBSPOT_CLIENT_SECRET": "s", "HUBSPOT_ACCESS_TOKEN": "pat-na1-1"},
            "HUBSPOT_CLIENT_SECRET is set without HUBSPOT_PORTAL_ID",
        ),
        ({"HUBSPOT_PORTAL_ID": "acme"}, "HUBSPOT_PORTAL_ID: "),
        ({"HUBSPOT_POLL_SECONDS": "-1"}, "HUBSPOT_POLL_SECONDS: "),
        ({"HUBSPOT_API_URL": "api.hubapi.com"}, "HUBSPOT_API_URL: must be an http(s) URL"),
        ({"CRM_BACKFILL_FROM": "last week"}, "CRM_BACKFILL_FROM: "),
    ],
)
def test_bad_hubspot_settings_are_named(environ: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(environ)
    assert caught.value.user_message.startswith(expected)
