"""extract_file (for `python app.py extract`) and choosing the extractor from settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.context.builtin import BuiltinExtractor
from bot.context.cli import configured_extractor, extract_file
from bot.context.llm import OpenAICompatibleExtractor
from bot.context.model import ExtractionTargets
from bot.context.segments import TranscriptError

CALL = Path(__file__).resolve().parents[1] / "data" / "calls" / "halden_discovery.vtt"


def test_extract_file_prints_the_documented_shape() -> None:
    got = extract_file(
        CALL,
        call_date=date(2026, 11, 10),
        extractor=BuiltinExtractor(seller_domains=["brightwave.io"]),
        targets=ExtractionTargets(),
    )
    assert set(got) == {"fields", "stakeholders", "commitments"}
    assert set(got["fields"]) == {
        "primary_use_case",
        "success_metrics",
        "decision_makers",
        "promises_made",
        "customer_timeline",
        "call_recordings",
        "risks",
    }
    assert {"value", "quote", "speaker", "at"} == set(got["fields"]["risks"][0])
    assert got["fields"]["customer_timeline"][0]["value"] == "2027-03-31"
    friday = {"text", "by", "due", "quote", "at"}
    assert all(set(c) == friday for c in got["commitments"])
    assert got["commitments"][0]["due"] == "2026-11-13"
    assert got["commitments"][0]["at"] == "00:03:09"
    assert all(set(s) == {"name", "title", "email", "side", "quote"} for s in got["stakeholders"])
    sides = {s["name"]: s["side"] for s in got["stakeholders"]}
    assert sides["Marcus Bell"] == "seller" and sides["Priya Natarajan"] == "customer"


def test_extract_file_reports_unreadable_input(tmp_path: Path) -> None:
    bad = tmp_path / "call.vtt"
    bad.write_text("not a vtt")
    with pytest.raises(TranscriptError):
        extract_file(bad, call_date=None, extractor=BuiltinExtractor(), targets=ExtractionTargets())


def test_configured_extractor_uses_the_llm_only_when_configured() -> None:
    assert isinstance(configured_extractor(), BuiltinExtractor)
    assert isinstance(configured_extractor(base_url="http://127.0.0.1:9/v1"), BuiltinExtractor)
    llm = configured_extractor(base_url="http://127.0.0.1:9/v1", model="m", api_key=None)
    assert isinstance(llm, OpenAICompatibleExtractor)
    assert isinstance(llm.fallback, BuiltinExtractor)
