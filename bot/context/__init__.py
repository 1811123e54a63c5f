"""Context: read sales calls and deal-channel messages and propose handoff fields, each with
the exact quote it came from. Pure: no database, no Slack; the app wires it in."""

from bot.context.api import TranscriptSubmission, parse_submission
from bot.context.builtin import BuiltinExtractor
from bot.context.cli import ConfiguredExtractors, configured_extractor, extract_file
from bot.context.llm import OpenAICompatibleExtractor
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
