"""Suggestions from calls and the deal channel, where people see them: pre-filled in the details
modal with their quote, counted on the card, credited in the brief, and the admin's forget."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject
from slack_sdk.models.views import View

from bot.blocks.modals import FIELD_BLOCK_PREFIX
from bot.blocks.text import escape, plural, slack_date, truncate
from bot.delivery.ports import RenderedMessage
from bot.domain.read_models import FieldLine, HandoffCard
from bot.domain.suggestions import FieldSuggestions, ModalSuggestions, SuggestionView, source_label

SUGGESTED_KEY = "suggested"  # in the modal's private_metadata: field key -> suggestion ids
SUGGESTION_BLOCK_PREFIX = "suggestion:"
MAX_QUOTE = 300
MAX_INPUT = 3000


def with_suggestions(
    view: dict[str, Any], card: HandoffCard, offered: ModalSuggestions
) -> dict[str, Any]:
    """The details modal with every EMPTY field pre-filled with its best suggestion (a list
    field: each distinct one, a line each), marked as a suggestion with its quote, speaker and
    source. A field that has a value keeps it; what was said differently is shown below it."""
    blocks: list[dict[str, Any]] = []
    shown: dict[str, list[int]] = {}
    prefilled = 0
    for block in view["blocks"]:
        blocks.append(block)
        key = str(block.get("block_id", "")).removeprefix(FIELD_BLOCK_PREFIX)
        found = (
            offered.get(key) if block.get("block_id", "").startswith(FIELD_BLOCK_PREFIX) else None
        )
        if found is None:
            continue
        line = card.field(key)
        empty = line is None or not line.present
        if empty and _prefill(block["element"], found):
            prefilled += 1
            blocks.append(_explained(key, found, prefilled=True))
        else:
            blocks.append(_explained(key, found, prefilled=False))
        shown[key] = found.ids
    if prefilled:
        note = ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f":bulb: {plural(prefilled, 'empty field')} filled in from the deal's "
                    "calls and channel. Check each suggestion against its quote: keep it, edit it "
                    "or clear it. Nothing is saved until you press Save."
                )
            ]
        ).to_dict()
        blocks.insert(1, note)
    metadata = json.loads(view["private_metadata"])
    metadata[SUGGESTED_KEY] = shown
    updated = {**view, "blocks": blocks, "private_metadata": json.dumps(metadata)}
    View(**updated).validate_json()
    return updated


def _prefill(element: dict[str, Any], found: FieldSuggestions) -> bool:
    if element.get("type") == "datepicker":
        value = found.items[0].value
        if len(value) != 10 or value[4] != "-":
            return False
        element["initial_date"] = value
        return True
    value = found.value
    while len(value) > MAX_INPUT and "\n" in value:
        value = value.rsplit("\n", 1)[0]
    element["initial_value"] = value[:MAX_INPUT]
    return True


def _explained(key: str, found: FieldSuggestions, *, prefilled: bool) -> dict[str, Any]:
    items = found.items if prefilled else found.items[:3]
    texts = [
        _suggestion_text(
            item, number=n, total=len(items), prefilled=prefilled, listed=found.is_list
        )
        for n, item in enumerate(items, start=1)
    ]
    return ContextBlock(
        block_id=SUGGESTION_BLOCK_PREFIX + key,
        elements=[MarkdownTextObject(text=truncate(text, 3000)) for text in texts],
    ).to_dict()


def _suggestion_text(
    item: SuggestionView, *, number: int, total: int, prefilled: bool, listed: bool
) -> str:
    # The value is shown apart from the quote only where it differs (a contact line, a date).
    distinct = item.value.strip() != item.quote.strip()
    if prefilled:
        mark = f"Suggestion {number} of {total}" if total > 1 else "Suggestion"
        value = f"{escape(truncate(item.value, 200))} — " if listed and total > 1 else ""
    else:
        mark = "Also said"
        value = f"“{escape(truncate(item.value, 300))}” — " if distinct else ""
    return f":bulb: _{mark}_: {value}{said(item)}"


def said(item: SuggestionView) -> str:
    """'From the 20 Nov discovery call, 12:31 — Priya Shah, VP Finance: “…”' (mrkdwn)."""
    where = escape(source_label(item))
    if not item.quote:
        return f"From {where} (the recording link sent with the transcript)"
    return f"From {where}: “{escape(truncate(item.quote, MAX_QUOTE))}”"


def confirmed_from(line: FieldLine) -> str | None:
    """The brief's credit for a kept suggestion: where it was said and who confirmed it."""
    if not line.suggested_from or not line.present:
        return None
    quote = (
        f": “{escape(truncate(line.suggested_quote, MAX_QUOTE))}”" if line.suggested_quote else ""
    )
    who = f"<@{line.set_by}>" if line.set_by else "a person"
    when = f" {slack_date(line.updated_at, '{date_short_pretty}')}" if line.updated_at else ""
    return f"Suggested from {escape(line.suggested_from)}{quote} — confirmed by {who}{when}"


def forgotten_message(deal: str, *, calls: int, messages: int, suggestions: int) -> RenderedMessage:
    if not (calls or messages or suggestions):
        text = f"Nothing is stored from the calls or channel of *{escape(deal)}*."
    else:
        text = (
            f":wastebasket: Deleted the stored context of *{escape(deal)}*: "
            f"{plural(calls, 'call')}, {plural(messages, 'channel message')} and "
            f"{plural(suggestions, 'suggestion')}. Values people already confirmed stay in the "
            "record, without their quotes."
        )
    return RenderedMessage(text=text, blocks=[])


def file_notice(name: str, problem: str | None) -> RenderedMessage:
    """What the person who shared a transcript file hears about it (privately)."""
    file = f"`{escape(truncate(name, 200))}`"
    if problem is None:
        text = (
            f":page_facing_up: Handoff read the call transcript {file}. What it found waits for "
            "the AE in *Add details* on the handoff card, each with its quote."
        )
    else:
        text = (
            f":warning: Handoff could not read {file} as a call transcript "
            f"({escape(truncate(problem, 300))}). If it is one, export it as WebVTT (.vtt), "
            "SubRip (.srt), `Speaker: words` lines (.txt) or JSON segments and share it again."
        )
    return RenderedMessage(text=text, blocks=[])
