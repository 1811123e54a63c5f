"""The labelled dev calls: the data is sound, and the built-in extractor keeps its quality.

Scoring is bench/extract.py's (its docstring defines matching); held-out calls are reported by
the bench only, never asserted on or tuned against here.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot.context.quotes import quote_in_source
from bot.context.transcripts import parse_transcript

ROOT = Path(__file__).resolve().parents[2]
CALLS = ROOT / "tests" / "data" / "calls"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "bench" / "extract.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


BENCH = _bench()
CASES = BENCH.case_files(CALLS)


def test_the_dev_set_covers_every_format_and_enough_calls() -> None:
    assert len(CASES) >= 12
    assert {source.suffix for source, _ in CASES} == {".vtt", ".srt", ".txt", ".json"}


@pytest.mark.parametrize(("source", "gold_file"), CASES, ids=[s.name for s, _ in CASES])
def test_gold_quotes_are_verbatim_in_their_call(source: Path, gold_file: Path) -> None:
    gold = json.loads(gold_file.read_text())
    transcript = parse_transcript(source.read_bytes(), filename=source.name)
    quotes = [c["quote"] for c in gold["commitments"]] + [s["quote"] for s in gold["stakeholders"]]
    quotes += [item["quote"] for items in gold["fields"].values() for item in items]
    missing = [q for q in quotes if quote_in_source(q, transcript) is None]
    assert not missing


def test_builtin_quality_floors_on_the_dev_set() -> None:
    report = BENCH.score(CALLS)
    for kind in ("commitments", "stakeholders"):
        tally = report.tallies[kind]
        assert tally.precision() >= 0.8, (kind, tally)
        assert tally.recall() >= 0.6, (kind, tally)
    # dates exact: every matched commitment's due date, and the customer's timeline dates
    assert report.due_exact / report.due_pairs >= 0.95
    assert report.dated_exact == report.dated_pairs
    timeline = report.tallies["customer_timeline"]
    assert timeline.recall() >= 0.8 and timeline.precision() >= 0.7


def test_bench_matching_rules() -> None:
    assert BENCH.quotes_match("I'll send the plan by Friday", "and I'll send the plan by Friday.")
    assert not BENCH.quotes_match("We'll waive the fee.", "Our CFO will sign the order form.")
    assert BENCH.names_match("Victor", "Victor Adeyemi")
    assert not BENCH.names_match("Victor Adeyemi", "Victor Hugo")
