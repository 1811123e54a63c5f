"""The parsed form of every source: a transcript is an ordered tuple of speaker segments.

Kept apart from the parsers so that both the caption parsers and the public entry point can
import the types without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Hostile-input limits. A two-hour call is ~150 KB of text and ~2,000 cues, so these leave
# ample room for real transcripts while bounding memory and the extractor's work.
MAX_CHARS = 5_000_000
MAX_SEGMENTS = 20_000
MAX_SEGMENT_CHARS = 50_000
MAX_SPEAKER_CHARS = 200
# 99:59:59 — a start beyond this is a unit mistake (milliseconds sent as seconds).
MAX_START_SECONDS = 360_000.0

_CLOCK = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


class TranscriptError(ValueError):
    """Input that cannot be read as a transcript; `field` names what is wrong."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Segment:
    """One stretch of speech (or one Slack message). `start` is seconds from the call start."""

    speaker: str | None
    start: float | None
    text: str


@dataclass(frozen=True)
class Transcript:
    segments: tuple[Segment, ...]

    def text(self) -> str:
        """The whole transcript as `Speaker: text` lines, for prompts and logs."""
        return "\n".join(f"{s.speaker}: {s.text}" if s.speaker else s.text for s in self.segments)


def clock_to_seconds(value: str) -> float | None:
    """'01:02:03.500', '1:02:03,5', '12:31' -> seconds; None if it is not a clock."""
    match = _CLOCK.match(value.strip())
    if match is None:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return total + (int(fraction.ljust(3, "0")) / 1000 if fraction else 0.0)


def format_offset(seconds: float | None) -> str | None:
    """Seconds -> 'hh:mm:ss' (the `at` of every finding); None stays None."""
    if seconds is None:
        return None
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def check_text(text: str, *, field: str) -> str:
    """Refuse NUL characters and oversized input before any parsing work is done."""
    if "\x00" in text:
        raise TranscriptError("NUL characters are not allowed", field=field)
    if len(text) > MAX_CHARS:
        raise TranscriptError(f"longer than {MAX_CHARS} characters", field=field)
    return text


def make_segment(*, speaker: str | None, start: float | None, text: str, field: str) -> Segment:
    """Build a segment with the shared limits applied (speaker/text length, start range)."""
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_SEGMENT_CHARS:
        raise TranscriptError(f"longer than {MAX_SEGMENT_CHARS} characters", field=field)
    name = " ".join(speaker.split()) if speaker else None
    if name is not None and len(name) > MAX_SPEAKER_CHARS:
        raise TranscriptError(f"speaker longer than {MAX_SPEAKER_CHARS} characters", field=field)
    if start is not None and not 0 <= start <= MAX_START_SECONDS:
        raise TranscriptError(f"start must be between 0 and {MAX_START_SECONDS:g}", field=field)
    return Segment(speaker=name or None, start=start, text=cleaned)


class Collector:
    """Accumulates segments, refusing the one past the limit so hostile input stops early."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []

    def add(self, segment: Segment, *, field: str) -> None:
        if not segment.text:
            return
        if len(self.segments) >= MAX_SEGMENTS:
            raise TranscriptError(f"more than {MAX_SEGMENTS} segments", field=field)
        self.segments.append(segment)

    def finish(self, *, field: str) -> Transcript:
        if not self.segments:
            raise TranscriptError("no speech found", field=field)
        return Transcript(segments=tuple(self.segments))
