"""Reading Slack payloads: which handoff, who, and what was typed. No rules live here."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.blocks.feedback import (
    ACCURACY_BLOCK_PREFIX,
    COMMITMENT_FEEDBACK_PREFIX,
    COMMITMENT_MISSING_PREFIX,
)
from bot.blocks.modals import FIELD_BLOCK_PREFIX
from bot.blocks.suggestions import SUGGESTED_KEY
from bot.domain.errors import NotFound
from bot.slack.ids import Input, parse_menu_option


def actor(body: dict[str, Any]) -> str:
    return str(body["user"]["id"])


def _menu_choice(action: dict[str, Any]) -> tuple[str, int] | None:
    """An overflow menu's option names the action and the handoff (``reassign:12``)."""
    if action.get("type") != "overflow":
        return None
    parsed = parse_menu_option(str((action.get("selected_option") or {}).get("value", "")))
    if parsed is None:
        raise NotFound("That menu item is no longer offered; refresh the message.")
    return str(parsed[0]), parsed[1]


def clicked_action(body: dict[str, Any]) -> str:
    """The action a click asks for: a button's action_id, or the overflow option chosen."""
    action = body["actions"][0]
    choice = _menu_choice(action)
    return choice[0] if choice else str(action["action_id"])


def clicked_handoff(body: dict[str, Any]) -> int:
    action = body["actions"][0]
    choice = _menu_choice(action)
    if choice:
        return choice[1]
    value = action.get("value", "")
    if not str(value).isdigit():
        raise NotFound("That button does not point at a handoff; refresh the message.")
    return int(value)


def view_handoff(view: dict[str, Any]) -> int:
    return int(json.loads(view["private_metadata"])["handoff_id"])


def shown_suggestions(view: dict[str, Any]) -> dict[str, list[int]]:
    """The suggestions a details modal showed, per field (from its private_metadata)."""
    shown = json.loads(view["private_metadata"]).get(SUGGESTED_KEY) or {}
    return {
        str(key): [int(i) for i in ids if isinstance(i, int)]
        for key, ids in shown.items()
        if isinstance(ids, list)
    }


def _input(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return dict(view["state"]["values"].get(block_id, {}).get(Input.VALUE, {}))


def field_values(view: dict[str, Any]) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for block_id, actions in view["state"]["values"].items():
        if block_id.startswith(FIELD_BLOCK_PREFIX):
            state = actions.get(Input.VALUE, {})
            values[block_id.removeprefix(FIELD_BLOCK_PREFIX)] = state.get(
                "selected_date", state.get("value")
            )
    return values


def text_input(view: dict[str, Any], block_id: str) -> str:
    return str(_input(view, block_id).get("value") or "")


def date_input(view: dict[str, Any], block_id: str) -> str | None:
    value = _input(view, block_id).get("selected_date")
    return str(value) if value else None


def user_input(view: dict[str, Any], block_id: str) -> str | None:
    value = _input(view, block_id).get("selected_user")
    return str(value) if value else None


def checked(view: dict[str, Any], block_id: str) -> set[str]:
    return {str(o["value"]) for o in _input(view, block_id).get("selected_options") or []}


def feedback_answers(view: dict[str, Any]) -> dict[str, object]:
    values = view["state"]["values"]
    accuracy = {
        block_id.removeprefix(ACCURACY_BLOCK_PREFIX): (
            actions.get(Input.VALUE, {}).get("selected_option") or {}
        ).get("value")
        for block_id, actions in values.items()
        if block_id.startswith(ACCURACY_BLOCK_PREFIX)
    }
    return {
        "went_well": text_input(view, Input.WENT_WELL),
        "missing_context": text_input(view, Input.MISSING_CONTEXT),
        "signals": text_input(view, Input.SIGNALS),
        "accuracy": {key: value for key, value in accuracy.items() if value},
        "commitments": _commitment_answers(view),
    }


def _commitment_answers(view: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per commitment id: the answer (delivered, on track, at risk, not ours) and what was
    missing; commitments left unanswered are left out."""
    answers: dict[str, dict[str, str]] = {}
    for block_id in view["state"]["values"]:
        if block_id.startswith(COMMITMENT_FEEDBACK_PREFIX):
            cid = block_id.removeprefix(COMMITMENT_FEEDBACK_PREFIX)
            answer = choice(view, block_id)
            if answer:
                missing = text_input(view, f"{COMMITMENT_MISSING_PREFIX}{cid}").strip()
                answers[cid] = {"answer": answer, "missing": missing}
    return answers


def datetime_input(view: dict[str, Any], block_id: str) -> datetime | None:
    value = _input(view, block_id).get("selected_date_time")
    return datetime.fromtimestamp(int(value), UTC) if value else None


def choice(view: dict[str, Any], block_id: str) -> str | None:
    option = _input(view, block_id).get("selected_option") or {}
    return str(option["value"]) if option.get("value") else None


def users_input(view: dict[str, Any], block_id: str) -> list[str]:
    return [str(user) for user in _input(view, block_id).get("selected_users") or []]
