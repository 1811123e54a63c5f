"""Context: read sales calls and deal-channel messages and propose handoff fields, each with
the exact quote it came from. Pure: no database, no Slack; the app wires it in.

The extractors (the built-in rules, the OpenAI-compatible client) are imported when first
named, not with the package: the app starts without them (``bot.context.configured``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.context.api import TranscriptSubmission, parse_submission
from bot.context.configured import ConfiguredExtractors
from bot.context.model import (
    Commitment,
    Extraction,
    ExtractionTargets,
    Extractor,
    FieldSuggestion,
    Source,
    Stakeholder,
)
from bot.context.quotes import quote_in_source
from bot.context.segments import Segment, Transcript, TranscriptError
from bot.context.slack_text import mentioned_users, plain_text
from bot.context.transcripts import parse_transcript, transcript_from_segments

if TYPE_CHECKING:
    from bot.context.builtin import BuiltinExtractor
    from bot.context.cli import configured_extractor, extract_file
    from bot.context.llm import OpenAICompatibleExtractor

_ON_FIRST_USE = {
    "BuiltinExtractor": "bot.context.builtin",
    "OpenAICompatibleExtractor": "bot.context.llm",
    "configured_extractor": "bot.context.cli",
    "extract_file": "bot.context.cli",
}


def __getattr__(name: str) -> Any:
    if name in _ON_FIRST_USE:
        import importlib

        return getattr(importlib.import_module(_ON_FIRST_USE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BuiltinExtractor",
    "Commitment",
    "ConfiguredExtractors",
    "Extraction",
    "ExtractionTargets",
    "Extractor",
    "FieldSuggestion",
    "OpenAICompatibleExtractor",
    "Segment",
    "Source",
    "Stakeholder",
    "Transcript",
    "TranscriptError",
    "TranscriptSubmission",
    "configured_extractor",
    "extract_file",
    "mentioned_users",
    "parse_submission",
    "parse_transcript",
    "plain_text",
    "quote_in_source",
    "transcript_from_segments",
]
