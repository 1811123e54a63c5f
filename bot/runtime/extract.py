"""`python app.py extract FILE [--call-date YYYY-MM-DD]`: what Handoff would pull from one
transcript, as JSON, with whichever extractor is configured. Nothing is stored."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from bot.config.playbook import load_playbook
from bot.config.settings import Settings
from bot.context import ConfiguredExtractors, ExtractionTargets, TranscriptError, extract_file


def run_extract(settings: Settings, path: Path, *, call_date: date | None) -> int:
    playbook = load_playbook(settings.playbook_path)
    extractors = ConfiguredExtractors(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        timeout_seconds=settings.llm_timeout_seconds,
    )
    targets = ExtractionTargets(**playbook.context.targets_for(playbook.field_types))
    try:
        found = extract_file(
            path, call_date=call_date, extractor=extractors.for_seller(), targets=targets
        )
    except TranscriptError as error:
        print(
            f"handoff: {path.name} is not a transcript Handoff can read: {error}", file=sys.stderr
        )
        return 2
    except OSError as error:
        print(f"handoff: cannot read {path}: {error.strerror}", file=sys.stderr)
        return 2
    which = f"the model {settings.llm_model}" if extractors.uses_llm else "the built-in extractor"
    print(f"handoff: {path.name} read with {which}", file=sys.stderr)
    print(json.dumps(found, indent=2, ensure_ascii=False))
    return 0
