"""One voice: the same emoji for the same thing, shown the same way everywhere, one style of
status marker, and sentences that start with a capital."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.blocks.card import STATUS_LABELS
from bot.blocks.notes import render_note
from bot.blocks.text import STATUS_MARKERS
from bot.domain.read_models import AuditAction
from bot.sandbox.render import EMOJI, plain
from tests.blocks.test_blocks import card

ROOT = Path(__file__).resolve().parents[2]
EMOJI_CODE = re.compile(r":([a-z][a-z0-9_+-]*[a-z0-9]):")
MESSAGE_PACKAGES = ("blocks", "handlers", "delivery", "timers", "workflow", "domain", "crm")


def emoji_in_messages() -> set[str]:
    """Every :emoji: code in a string the app writes."""
    found: set[str] = set()
    for package in MESSAGE_PACKAGES:
        for path in (ROOT / "bot" / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found |= {f":{code}:" for code in EMOJI_CODE.findall(node.value)}
    return found


def test_the_demo_shows_every_emoji_the_same_way() -> None:
    used = emoji_in_messages()
    assert ":rotating_light:" in used and ":large_green_circle:" in used
    assert used <= EMOJI.keys(), f"add to bot/sandbox/render.py EMOJI: {used - EMOJI.keys()}"
    assert plain(":white_check_mark: done, :large_orange_circle: held") == "✅ done, 🟠 held"


def test_one_status_marker_per_status_everywhere() -> None:
    for status, label in STATUS_LABELS.items():
        assert label.startswith(STATUS_MARKERS[status] + " ")
    assert len(set(STATUS_MARKERS.values())) == len(STATUS_MARKERS)


NOTES = {
    AuditAction.CLAIMED: {"owner": [None, "U0CSM"]},
    AuditAction.REASSIGNED: {"owner": ["U0CSM", "U0CSM2"]},
    AuditAction.RELEASED: {"owner": ["U0CSM", None]},
    AuditAction.FIELD_SET: {"labels": ["Risks"]},
    AuditAction.EXCEPTION_GRANTED: {"reason": "Customer on holiday", "until": "2026-12-01"},
    AuditAction.CLOSED_WON: {"stage": "Closed Won", "due": "2026-11-25T09:00:00+00:00"},
    AuditAction.DEAL_LOST: {"stage": "Closed Lost"},
    AuditAction.ACKNOWLEDGED: {},
    AuditAction.EXCEPTION_EXPIRED: {"until": "2026-12-01"},
    AuditAction.KICKOFF_HELD: {"day": "2026-11-25"},
    AuditAction.FIRST_VALUE: {},
    AuditAction.ONBOARDING_DONE: {},
    AuditAction.FEEDBACK_SENT: {},
    AuditAction.ESCALATED: {},
    AuditAction.FIELD_CONFLICT: {"label": "Risks"},
    AuditAction.MARKED_READY: {},
    AuditAction.SNOOZED: {},
}


@pytest.mark.parametrize("action", list(NOTES))
def test_thread_notes_are_sentences(action: AuditAction) -> None:
    note = render_note({"action": action.value, "actor": "U0ACTOR", **NOTES[action]}, card())
    first = re.sub(r"^(:[a-z0-9_+-]+: )", "", note.text)
    assert re.match(r"^([A-Z]|<@)", first), note.text
    assert note.text.rstrip().endswith((".", "”", ")")) or "\n" in note.text, note.text
