"""Read a call transcript in any of the shapes people share: WebVTT, SubRip, plain text, JSON.

`parse_transcript` is for files shared in the deal channel; `transcript_from_segments` is for
the `segments` list of the `POST /context/transcripts` body (already decoded JSON).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from bot.context.captions import parse_plain, parse_srt, parse_vtt
from bot.context.segments import (
    MAX_CHARS,
    MAX_SEGMENTS,
    MAX_START_SECONDS,
    Collector,
    Segment,
    Transcript,
    TranscriptError,
    check_text,
    clock_to_seconds,
    make_segment,
)

__all__ = [
    "FORMATS",
    "Segment",
    "Transcript",
    "TranscriptError",
    "detect_format",
    "parse_transcript",
    "transcript_from_segments",
]

FORMATS = ("vtt", "srt", "plain", "json")
_EXTENSIONS = {".vtt": "vtt", ".srt": "srt", ".json": "json", ".txt": "plain", ".md": "plain"}
_SRT_START = re.compile(r"^\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s+-->")


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return check_text(content, field="content")
    if len(content) > MAX_CHARS * 4:  # refuse before decoding: UTF-8 is at most 4 bytes/char
        raise TranscriptError(f"larger than {MAX_CHARS * 4} bytes", field="content")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TranscriptError(f"not UTF-8 (byte {error.start})", field="content") from None
    return check_text(text, field="content")


def detect_format(text: str, *, filename: str | None = None) -> str:
    """By extension first (people name files truthfully), else by content."""
    if filename:
        found = _EXTENSIONS.get(PurePath(filename).suffix.lower())
        if found:
            return found
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith(("[{", "{", "[\n", "[ ", "[]")) or re.match(r"^\[\s*[{\]]", head):
        return "json"
    if _SRT_START.match(head):
        return "srt"
    return "plain"


def parse_transcript(
    content: bytes | str, *, filename: str | None = None, format: str | None = None
) -> Transcript:
    """Parse a shared transcript file. `format` ("vtt" | "srt" | "plain" | "json") overrides
    detection. Raises TranscriptError naming the offending line or field."""
    if format is not None and format not in FORMATS:
        raise TranscriptError(f"must be one of {', '.join(FORMATS)}", field="format")
    text = _decode(content)
    chosen = format or detect_format(text, filename=filename)
    if chosen == "vtt":
        return parse_vtt(text)
    if chosen == "srt":
        return parse_srt(text)
    if chosen == "json":
        return _parse_json(text)
    return parse_plain(text)


def _parse_json(text: str) -> Transcript:
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise TranscriptError(f"invalid JSON at {where}: {error.msg}", field="content") from None
    except RecursionError:  # absurd nesting is hostile, not a transcript
        raise TranscriptError("JSON nested too deeply", field="content") from None
    if isinstance(data, Mapping):
        if "segments" not in data:
            raise TranscriptError("expected a list of segments", field="segments")
        data = data["segments"]
    return transcript_from_segments(data)


def transcript_from_segments(segments: Any) -> Transcript:
    """The API body's `segments`: a list of {"speaker", "start", "text"}. `start` is seconds
    or "hh:mm:ss"; `speaker` and `start` may be missing or null; other keys are ignored."""
    if not isinstance(segments, Sequence) or isinstance(segments, str | bytes):
        raise TranscriptError("must be a list of segments", field="segments")
    if len(segments) > MAX_SEGMENTS:
        raise TranscriptError(f"more than {MAX_SEGMENTS} segments", field="segments")
    collector = Collector()
    for index, item in enumerate(segments):
        where = f"segments[{index}]"
        collector.add(_segment(item, where=where), field=where)
    return collector.finish(field="segments")


def _segment(item: Any, *, where: str) -> Segment:
    if not isinstance(item, Mapping):
        raise TranscriptError("must be an object", field=where)
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise TranscriptError("must be a non-empty string", field=f"{where}.text")
    check_text(text, field=f"{where}.text")
    speaker = item.get("speaker")
    if speaker is not None and not isinstance(speaker, str):
        raise TranscriptError("must be a string or null", field=f"{where}.speaker")
    if isinstance(speaker, str):
        check_text(speaker, field=f"{where}.speaker")
    start = _start(item.get("start"), where=f"{where}.start")
    return make_segment(speaker=speaker, start=start, text=text, field=where)


def _start(value: Any, *, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):  # bool is an int in Python; true is not a time
        raise TranscriptError('must be seconds or "hh:mm:ss"', field=where)
    if isinstance(value, int | float):
        if not 0 <= value <= MAX_START_SECONDS:  # also refuses NaN and infinity
            raise TranscriptError(f"must be between 0 and {MAX_START_SECONDS:g}", field=where)
        return float(value)
    if isinstance(value, str):
        seconds = clock_to_seconds(value)
        if seconds is not None:
            return seconds
    raise TranscriptError('must be seconds or "hh:mm:ss"', field=where)
