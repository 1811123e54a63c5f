"""The labelled calls: the data is sound, the built-in extractor keeps its quality floors on the
development sets (dev, heldout, heldout2 and heldout3), and the bench scores fairly and keeps
sealed sets sealed.

Scoring is bench/extract.py's (its docstring defines matching). Every other folder (heldout4,
the final measure, written by someone else) is never opened here: only the bench reads it, in
aggregate.
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
SETS = {
    "dev": CALLS,
    "heldout": CALLS / "heldout",
    "heldout2": CALLS / "heldout2",
    "heldout3": CALLS / "heldout3",
}


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "bench" / "extract.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


BENCH = _bench()
CASES = [case for folder in SETS.values() for case in BENCH.case_files(folder)]


def test_the_sets_cover_every_format_and_enough_calls() -> None:
    assert len(BENCH.case_files(CALLS)) >= 12 and len(BENCH.case_files(SETS["heldout"])) >= 6
    assert len(BENCH.case_files(SETS["heldout2"])) >= 8
    assert len(BENCH.case_files(SETS["heldout3"])) >= 8
    assert set(SETS) == set(BENCH.DEVELOPMENT_SETS)
    assert {source.suffix for source, _ in CASES} == {".vtt", ".srt", ".txt", ".json"}


@pytest.mark.parametrize(("source", "gold_file"), CASES, ids=[s.name for s, _ in CASES])
def test_gold_quotes_are_verbatim_in_their_call(source: Path, gold_file: Path) -> None:
    gold = json.loads(gold_file.read_text())
    transcript = parse_transcript(source.read_bytes(), filename=source.name)
    quotes = [c["quote"] for c in gold["commitments"]] + [s["quote"] for s in gold["stakeholders"]]
    quotes += [i["quote"] for v in gold["fields"].values() for i in v if isinstance(i, dict)]
    missing = [q for q in quotes if quote_in_source(q, transcript) is None]
    assert not missing


@pytest.mark.parametrize("name", list(SETS))
def test_builtin_quality_floors(name: str) -> None:
    report = BENCH.score(SETS[name])
    floors = BENCH.floors(name)
    assert set(floors) >= {"commitments", "stakeholders", "customer_timeline", "risks"}
    # the issue's own target on commitments and stakeholders holds on every set
    assert all(floors[k] >= (0.80, 0.60) for k in ("commitments", "stakeholders"))
    for kind, (precision, recall) in floors.items():
        tally = report.tallies[kind]
        assert tally.precision() >= precision and tally.recall() >= recall, (kind, tally)
    # dates exact: the due date of matched commitments whose gold has one
    assert report.dated_exact / report.dated_pairs >= BENCH.DATED_DUE_FLOOR


def test_quote_and_name_matching() -> None:
    assert BENCH.quotes_match("I'll send the plan by Friday", "and I'll send the plan by Friday.")
    assert not BENCH.quotes_match("We'll waive the fee.", "Our CFO will sign the order form.")
    assert BENCH.names_match("Victor", "Victor Adeyemi")
    assert not BENCH.names_match("Victor Adeyemi", "Victor Hugo")


def test_a_paraphrase_matches_the_passage_that_says_it_and_not_a_neighbour() -> None:
    gold = "Average invoice cycle time from about 11 days down to 4 days or less"
    said = "Our average invoice cycle time is about eleven days. The goal is four days or less."
    assert BENCH.paraphrase_score(gold, [said]) >= 0.35
    assert BENCH.paraphrase_score(gold, ["We close the books in eight business days."]) == 0
    assert BENCH.paraphrase_score("Board meeting February 19th", ["It's February nineteenth."]) > 0
    assert BENCH.paraphrase_score("Board meeting February 19th", ["The board hates meetings."]) == 0


def test_a_gold_commitment_without_a_quote_is_matched_as_a_paraphrase() -> None:
    gold = {"quote": "", "text": "Send the SOC 2 report and bridge letter", "value": ""}
    said = {"quote": "I'll send the SOC 2 report and the bridge letter by Friday.", "text": ""}
    assert BENCH.by_quote(gold, said) > 0
    assert BENCH.by_quote(gold, {"quote": "We'll waive the fee.", "text": ""}) == 0


def test_pairs_are_taken_best_first_and_a_passage_covers_the_gold_quotes_it_holds() -> None:
    gold = [{"quote": "We want SSO."}, {"quote": "We want SSO and SCIM by March."}]
    got = [{"quote": "We want SSO and SCIM by March."}, {"quote": "We want SSO."}]
    pairs = BENCH.pair(gold, got, BENCH.by_quote)
    assert [(g["quote"], p["quote"]) for g, p in pairs] == [(g["quote"], g["quote"]) for g in gold]
    gold = [
        {"quote": "We're at 71 percent.", "value": "71%"},
        {"quote": "I want 85 percent.", "value": "85%"},
    ]
    passage = [{"quote": "We're at 71 percent. I want 85 percent.", "value": ""}]
    pairs = BENCH.covered(gold, BENCH.pair(gold, passage, BENCH.by_text))
    assert len(pairs) == 2 and {id(p) for _, p in pairs} == {id(passage[0])}


def test_each_folder_is_its_own_set_and_a_sealed_set_prints_aggregates_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "calls"
    (root / "heldout").mkdir(parents=True)
    (root / "heldout2").mkdir()
    (root / "heldout3").mkdir()
    (root / "heldout4").mkdir()
    call = "Dana Reyes: I'm Dana Reyes, account executive. I'll send the plan by Friday.\n"
    gold = {
        "call_date": "2026-11-10",
        "seller_company": "Acme",
        "fields": {},
        "stakeholders": [],
        "commitments": [{"quote": "A promise nobody made.", "due": None}],
    }
    calls = (
        (root, "dev_call"),
        (root / "heldout", "open"),
        (root / "heldout2", "open2"),
        (root / "heldout3", "open3"),
        (root / "heldout4", "sealed"),
    )
    for folder, name in calls:
        (folder / f"{name}.txt").write_text(call)
        (folder / f"{name}.gold.json").write_text(json.dumps(gold))
    assert BENCH.main(["--dir", str(root), "--verbose"]) == 0
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines() if line.endswith(" calls")] == [
        "dev", "heldout", "heldout2", "heldout3", "heldout4",
    ]  # fmt: skip
    assert "dev_call.txt: missed commitment" in out and "open.txt: missed commitment" in out
    assert "open2.txt: missed commitment" in out and "open3.txt: missed commitment" in out
    assert "sealed" not in out and "nobody made" not in out.split("heldout4:")[1]
