"""manifest.yml is a valid app manifest and agrees with the identifiers the code uses."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import jsonschema
import yaml

from bot.slack.ids import EVENT_SCOPES, FEATURE_SCOPES, METHOD_SCOPES, Command, Event

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_is_valid_against_slacks_schema() -> None:
    schema = json.loads((ROOT / "tests/data/manifest.schema.1.0.0.json").read_text())
    jsonschema.validate(MANIFEST, schema)


def test_commands_match_the_code() -> None:
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert declared == {command.value for command in Command}


def test_events_match_the_code() -> None:
    subscribed = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert subscribed == {event.value for event in Event}
    # Every message subscription names the scope Slack requires for it.
    assert {e for e in Event if e.value.startswith("message.")} == set(EVENT_SCOPES)
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True


# slack_sdk helpers that call several Web API methods.
SDK_HELPERS = {"files.upload.v2": {"files.getUploadURLExternal", "files.completeUploadExternal"}}


def web_api_methods_called() -> set[str]:
    """Every WebClient method the adapters call, as Web API method names."""
    methods: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        if "sandbox" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute | ast.Name):
                owner = node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id
                if owner in ("_client", "client") and "_" in node.attr:
                    name = node.attr.replace("_", ".")
                    methods |= SDK_HELPERS.get(name, {name})
    return methods


def test_every_called_method_has_its_scope_declared() -> None:
    called = web_api_methods_called()
    assert "chat.postMessage" in called and "users.lookupByEmail" in called
    unknown = called - METHOD_SCOPES.keys()
    assert not unknown, f"add these methods and their scopes to bot.ids.METHOD_SCOPES: {unknown}"


def test_scopes_are_exactly_what_the_code_needs() -> None:
    needed = {scope for scopes in METHOD_SCOPES.values() for scope in scopes} | set(FEATURE_SCOPES)
    needed |= {scope for scopes in EVENT_SCOPES.values() for scope in scopes}
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed
    # And nothing in METHOD_SCOPES is stale.
    assert set(METHOD_SCOPES) - {"auth.test"} <= web_api_methods_called()


def test_interactivity_and_command_urls_point_at_the_bolt_endpoint() -> None:
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    for command in MANIFEST["features"]["slash_commands"]:
        assert command["url"].endswith("/slack/events")
