"""Helpers for `python app.py extract FILE [--call-date YYYY-MM-DD]` and for choosing the
extractor from settings. Pure apart from reading the file; printing is the caller's job."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bot.context.builtin import BuiltinExtractor
from bot.context.llm import OpenAICompatibleExtractor
from bot.context.model import ExtractionTargets, Extractor, Source, SourceKind
from bot.context.transcripts import parse_transcript


def extract_file(
    path: Path,
    *,
    call_date: date | None,
    extractor: Extractor,
    targets: ExtractionTargets,
    kind: SourceKind = "call",
) -> dict[str, Any]:
    """Parse a transcript file (format from its extension or content) and extract from it.
    Returns the documented output shape. Raises TranscriptError for unreadable input and
    OSError when the file cannot be read; extraction itself does not raise."""
    transcript = parse_transcript(path.read_bytes(), filename=path.name)
    source = Source(kind=kind, title=path.stem, occurred_at=call_date)
    return extractor.extract(transcript, source=source, targets=targets).to_json()


def configured_extractor(
    *,
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    timeout_seconds: float = 60.0,
    seller_names: Sequence[str] = (),
    seller_domains: Sequence[str] = (),
    seller_company: str | None = None,
) -> Extractor:
    """The LLM extractor (falling back to the built-in one) when an endpoint and model are
    configured, else the built-in extractor alone. Local endpoints may need no API key."""
    builtin = BuiltinExtractor(
        seller_names=seller_names, seller_domains=seller_domains, seller_company=seller_company
    )
    if not base_url or not model:
        return builtin
    return OpenAICompatibleExtractor(
        base_url=base_url,
        model=model,
        api_key=api_key or "not-needed",
        timeout_seconds=timeout_seconds,
        fallback=builtin,
    )
