"""The playbook's `context:` section and the LLM settings, validated at start."""

from __future__ import annotations

import pytest

from bot.config.errors import ConfigError
from bot.config.playbook import load_playbook, parse_playbook
from bot.config.settings import Settings
from bot.context import ExtractionTargets

CUSTOM_FIELDS = (
    "fields:\n"
    "  - {key: goals, label: Goals, type: long_text, required: true}\n"
    "  - {key: go_live, label: Go-live, type: date}\n"
)


def test_the_default_playbook_switches_every_source_on_with_the_extractors_targets() -> None:
    playbook = load_playbook()
    context = playbook.context
    assert (context.slack_messages, context.transcript_files, context.transcript_api) == (
        True,
        True,
        True,
    )
    assert context.retention_days == 180
    assert context.targets_for(playbook.field_types) == vars(ExtractionTargets())


def test_without_a_context_section_nothing_is_read_and_missing_defaults_are_skipped() -> None:
    playbook = parse_playbook(CUSTOM_FIELDS)
    assert not playbook.context.any_source
    # The default targets name standard fields this playbook does not have: none is used.
    assert set(playbook.context.targets_for(playbook.field_types).values()) == {None}


def test_explicit_targets_map_findings_onto_custom_fields() -> None:
    playbook = parse_playbook(
        CUSTOM_FIELDS
        + "context: {slack_messages: true, targets: {use_case: goals, timeline: go_live}}\n"
    )
    targets = playbook.context.targets_for(playbook.field_types)
    assert (targets["use_case"], targets["timeline"], targets["risks"]) == (
        "goals",
        "go_live",
        None,
    )


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("{targets: {use_case: goal}}", "context.targets.use_case: there is no field 'goal'"),
        ("{targets: {stakeholders: go_live}}", "'go_live' is a date field; only the timeline fits"),
        (
            "{retention_days: 0}",
            "context.retention_days: Input should be greater than or equal to 1",
        ),
        ("{slack_mesages: true}", "context.slack_mesages: unknown key"),
    ],
)
def test_a_bad_context_section_stops_the_app_naming_it(section: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_playbook(CUSTOM_FIELDS + f"context: {section}\n")
    assert expected in caught.value.user_message


def test_the_llm_settings() -> None:
    settings = Settings.from_env(
        {"HANDOFF_LLM_BASE_URL": "http://127.0.0.1:8000/v1", "HANDOFF_LLM_MODEL": "llama3.1"}
    )
    assert (settings.llm_model, settings.llm_api_key, settings.llm_timeout_seconds) == (
        "llama3.1",
        None,
        60.0,
    )
    with pytest.raises(ConfigError, match="HANDOFF_LLM_MODEL: is required when"):
        Settings.from_env({"HANDOFF_LLM_BASE_URL": "https://api.example/v1"})
    with pytest.raises(ConfigError, match="HANDOFF_LLM_BASE_URL"):
        Settings.from_env({"HANDOFF_LLM_BASE_URL": "api.example", "HANDOFF_LLM_MODEL": "m"})
    with pytest.raises(ConfigError, match="HANDOFF_LLM_TIMEOUT_SECONDS"):
        Settings.from_env({"HANDOFF_LLM_TIMEOUT_SECONDS": "0"})
