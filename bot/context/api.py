"""The body of `POST /context/transcripts`, checked field by field.

    {"id", "deal_id", "title", "occurred_at", "url", "transcript" | "segments"}

`transcript` is the text of a transcript in any supported format; `segments` is a list of
{"speaker", "start", "text"}. Exactly one of the two. Errors name the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.context.model import Source
from bot.context.segments import Transcript, TranscriptError
from bot.context.transcripts import parse_transcript, transcript_from_segments

MAX_ID = 200


@dataclass(frozen=True)
class TranscriptSubmission:
    id: str
    deal_id: str
    source: Source
    transcript: Transcript


def parse_submission(body: Any) -> TranscriptSubmission:
    if not isinstance(body, Mapping):
        raise TranscriptError("must be a JSON object", field="body")
    has_text, has_segments = body.get("transcript") is not None, body.get("segments") is not None
    if has_text == has_segments:
        raise TranscriptError("give exactly one of transcript or segments", field="transcript")
    if has_text:
        if not isinstance(body["transcript"], str) or not body["transcript"].strip():
            raise TranscriptError("must be a non-empty string", field="transcript")
        try:
            transcript = parse_transcript(body["transcript"])
        except TranscriptError as error:
            # The parser names a line or a key inside the text; the body's field is this one.
            raise TranscriptError(f"{error.field}: {error.message}", field="transcript") from None
    else:
        transcript = transcript_from_segments(body["segments"])
    source = Source(
        kind="call",
        title=_optional_text(body, "title"),
        occurred_at=_occurred_at(body.get("occurred_at")),
        url=_url(body.get("url")),
    )
    return TranscriptSubmission(
        id=_required_text(body, "id"),
        deal_id=_required_text(body, "deal_id"),
        source=source,
        transcript=transcript,
    )


def _required_text(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID:
        raise TranscriptError(f"must be a non-empty string of at most {MAX_ID}", field=key)
    return value.strip()


def _optional_text(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 500:
        raise TranscriptError("must be a string of at most 500 characters", field=key)
    return value.strip() or None


def _occurred_at(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    raise TranscriptError("must be an ISO date or date-time", field="occurred_at")


def _url(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise TranscriptError("must be an http(s) URL", field="url")
    if len(value) > 2000:
        raise TranscriptError("must be at most 2000 characters", field="url")
    return value
