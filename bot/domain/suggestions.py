"""Suggestions as the modal and the record show them: what was said, by whom, where.

Pure: the workflow loads the rows, builders render these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

MAX_SHOWN_PER_FIELD = 5


@dataclass(frozen=True, slots=True)
class SuggestionView:
    id: int
    field_key: str
    value: str
    quote: str  # empty when the value came with the source (a recording link sent by API)
    speaker: str | None
    speaker_title: str | None
    at: str | None  # "hh:mm:ss" into the call
    kind: str  # "call" or "slack"
    title: str | None  # the call's title
    said_at: datetime  # the message's time, or the call's date


@dataclass(frozen=True, slots=True)
class FieldSuggestions:
    """What the details modal offers for one field: for a list field every distinct value
    (best first, one per line), otherwise the best one."""

    field_key: str
    items: tuple[SuggestionView, ...]
    is_list: bool

    @property
    def value(self) -> str:
        return "\n".join(s.value for s in self.items) if self.is_list else self.items[0].value

    @property
    def ids(self) -> list[int]:
        return [s.id for s in self.items]


@dataclass(frozen=True, slots=True)
class ModalSuggestions:
    by_field: dict[str, FieldSuggestions] = field(default_factory=dict)

    def get(self, key: str) -> FieldSuggestions | None:
        return self.by_field.get(key)


def offset(at: str | None) -> str | None:
    """'00:12:31' -> '12:31', '00:01:06' -> '1:06', '01:02:03' -> '1:02:03' (a player's clock)."""
    if not at:
        return None
    parts = at.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return at
    hours, minutes, seconds = (int(p) for p in parts)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def source_label(item: SuggestionView) -> str:
    """'the 20 Nov discovery call, 12:31 — Priya Shah, VP Finance' (plain text)."""
    day = f"{item.said_at.day} {item.said_at:%b}"
    if item.kind == "slack":
        where = f"the deal channel, {day} {item.said_at:%H:%M} UTC"
    else:
        where = f"the {day} {item.title}" if item.title else f"the {day} call"
        clock = offset(item.at)
        where = f"{where}, {clock}" if clock else where
    if item.speaker:
        who = f"{item.speaker}, {item.speaker_title}" if item.speaker_title else item.speaker
        where = f"{where} — {who}"
    return where


def provenance(items: Iterable[SuggestionView]) -> str:
    """What a kept value records as its origin: one source, or how many and which."""
    chosen = list(items)
    if len(chosen) == 1:
        return source_label(chosen[0])
    places = list(dict.fromkeys(_place(item) for item in chosen))
    return f"{len(chosen)} suggestions from {'; '.join(places)}"


def _place(item: SuggestionView) -> str:
    day = f"{item.said_at.day} {item.said_at:%b}"
    if item.kind == "slack":
        return "the deal channel"
    return f"the {day} {item.title}" if item.title else f"the {day} call"


def best_first(
    items: Iterable[SuggestionView], *, is_list: bool, value_key: dict[int, str]
) -> tuple[SuggestionView, ...]:
    """Newest source first (what was said last supersedes), then the order it was found in;
    one suggestion per distinct value; a list field keeps up to MAX_SHOWN_PER_FIELD."""
    ordered = sorted(items, key=lambda s: (-s.said_at.timestamp(), s.id))
    seen: set[str] = set()
    kept: list[SuggestionView] = []
    for item in ordered:
        key = value_key[item.id]
        if key in seen:
            continue
        seen.add(key)
        kept.append(item)
    return tuple(kept[: MAX_SHOWN_PER_FIELD if is_list else 1])
