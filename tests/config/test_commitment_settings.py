"""The playbook's `commitments:` section: defaults, the summary field, refusals."""

from __future__ import annotations

import pytest

from bot.config.errors import ConfigError
from bot.config.playbook import load_playbook, parse_playbook

CUSTOM_FIELDS = (
    "fields:\n"
    "  - {key: goals, label: Goals, type: long_text, required: true}\n"
    "  - {key: promises, label: Promises, type: long_text, required: true}\n"
)


def test_the_default_playbook_summarises_the_ledger_in_promises_made() -> None:
    playbook = load_playbook()
    ledger = playbook.commitments
    assert (ledger.summary_field, ledger.reminder_lead_days, ledger.hubspot_as) == (
        "promises_made",
        2,
        "task",
    )
    assert ledger.summary_for(playbook.field_types) == "promises_made"


def test_a_playbook_without_the_field_has_no_summary_unless_it_names_one() -> None:
    plain = parse_playbook(CUSTOM_FIELDS)
    assert plain.commitments.summary_for(plain.field_types) is None
    named = parse_playbook(CUSTOM_FIELDS + "commitments: {summary_field: promises}\n")
    assert named.commitments.summary_for(named.field_types) == "promises"


def test_an_unknown_summary_field_or_a_bad_setting_is_one_sentence() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_playbook(CUSTOM_FIELDS + "commitments: {summary_field: nope}\n")
    assert "commitments.summary_field: there is no field 'nope'" in str(caught.value)
    with pytest.raises(ConfigError, match=r"commitments\.hubspot_as"):
        parse_playbook(CUSTOM_FIELDS + "commitments: {hubspot_as: email}\n")
    with pytest.raises(ConfigError, match=r"commitments\.reminder_lead_days"):
        parse_playbook(CUSTOM_FIELDS + "commitments: {reminder_lead_days: -1}\n")
