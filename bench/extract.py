"""Benchmark: the built-in extractor against the labelled calls in tests/data/calls.

    python bench/extract.py [--dir tests/data/calls] [--verbose]

Sets. The calls directly in --dir are the "dev" set; every sub-folder holding labelled calls is
a set of its own, named after the folder (heldout, heldout2, ...), and each set is reported
separately. Only the development sets (dev, heldout, heldout2, heldout3) may print item-level
detail: --verbose lists their misses. Every other folder is sealed (heldout4, the final measure,
and any set added after it): it prints aggregate figures only, with or without --verbose, so
that nobody tunes rules against it.

Gold. Each call NAME.{vtt,srt,txt,json} has NAME.gold.json: the extractor's output shape plus
call_date (relative dates resolve against it), kind (call | slack), title, and what the app
knows about its own side: seller_domains and/or seller_company. A field item is either a dict
with a value and the verbatim quote it came from (dev), or a plain string: a paraphrase with no
quote (heldout), or for the timeline an ISO date.

Matching is one to one: every candidate (gold, predicted) pair gets a score and pairs are taken
best score first, so a loose pair never takes the partner of a closer one.
- Quotes match when, lower-cased with word characters only, one contains the other (score 0.5
  to 1, the closer their lengths the higher) or their token F1 is at least 0.5 (score: the
  F1). Predicted quotes are sentences, clauses or short passages of one turn; gold quotes may
  be any of these.
- A commitment matches a gold commitment when their quotes match (a gold commitment written
  without a quote: its text, as a paraphrase below). "due exact" is the share of matched
  commitments whose due date equals the gold one (both null counts as equal); "dated due
  exact" the same over the matched pairs whose gold due is a date.
- A stakeholder matches when the names agree (case-insensitive; or one name's words are a
  subset of the other's with the same first word: "Victor" ~ "Victor Adeyemi") AND the side is
  the same; a right name on the wrong side counts as a miss and a false positive.
- A text field suggestion (use case, success metrics, risks) matches a gold item that has a
  quote when the quotes match; a suggestion quoting a passage (a few sentences of one turn)
  also covers every further gold item whose quote it contains whole ("We're at 71 percent.
  If we could get to 85 percent, ..." delivers both the baseline and the target item): it
  counts once for precision, each covered gold item counts for recall.
- A gold item given as a paraphrase (no quote) is compared with the predicted quote and the
  predicted value, taking the better: content-word F1 (lower-cased words minus stop words,
  plural/tense endings stripped, numbers as digits so "eleven" = "11", "19th" = "nineteenth" =
  "19", "%" = "percent") must reach 0.35 with at least two shared content words. The bar is
  set conservatively: on the development sets a few right suggestions that word things very
  differently from the gold's summary fall below it; no wrong one reaches it.
- A timeline suggestion matches when its ISO date equals the gold date; a recording when the
  URLs are equal. "timeline dates exact" = matched timeline dates / gold timeline dates.
Precision = matched predictions / predictions, recall = gold items found / gold items, summed
over the calls of a set.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.context.builtin import BuiltinExtractor  # noqa: E402
from bot.context.model import ExtractionTargets, Source  # noqa: E402
from bot.context.transcripts import parse_transcript  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_match import (  # noqa: E402
    Item,
    by_person,
    by_quote,
    by_text,
    by_value,
    covered,
    names_match,
    pair,
    paraphrase_score,
    quote_score,
    quotes_match,
)

__all__ = ["names_match", "paraphrase_score", "quote_score", "quotes_match"]  # used by tests

TEXT_FIELDS = ("primary_use_case", "success_metrics", "risks")
KINDS = ("commitments", "stakeholders", *TEXT_FIELDS, "customer_timeline", "call_recordings")
# the only sets whose items may ever be printed; every other folder is sealed
DEVELOPMENT_SETS = ("dev", "heldout", "heldout2", "heldout3")
# The floors tests/context/test_quality.py holds the development sets to: (precision, recall). The
# issue's own target for commitments and stakeholders is 0.80 / 0.60; these sit above it so
# that calls nobody has tuned against still clear it.
FLOORS: dict[str, tuple[float, float]] = {
    "commitments": (0.85, 0.70),
    "stakeholders": (0.85, 0.70),
    "primary_use_case": (0.50, 0.40),
    "success_metrics": (0.50, 0.40),
    "risks": (0.50, 0.40),
    "customer_timeline": (0.70, 0.50),
}
DATED_DUE_FLOOR = 0.90  # matched commitments whose gold has a date: due date exact
# Where a set's own floor differs, and why. heldout3's use case and risks are gold paraphrases
# summarising a whole discussion ("Store managers may see the tool as corporate surveillance");
# the rounds that made it a development set worked on commitments and stakeholders, not on
# these, so its floors there hold what it reaches now (use case R 0.38, risks R 0.20).
SET_FLOORS: dict[str, dict[str, tuple[float, float]]] = {
    "heldout3": {"primary_use_case": (0.50, 0.35), "risks": (0.50, 0.15)},
}


def floors(name: str) -> dict[str, tuple[float, float]]:
    """The (precision, recall) floors of the set called `name`."""
    return {**FLOORS, **SET_FLOORS.get(name, {})}


@dataclass
class Tally:
    predicted: int = 0
    gold: int = 0
    matched: int = 0  # predicted items that match gold
    found: int = 0  # gold items matched (more than `matched` when a passage covers several)

    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0


@dataclass
class Report:
    calls: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    due_pairs: int = 0
    due_exact: int = 0
    dated_pairs: int = 0
    dated_exact: int = 0
    misses: list[str] = field(default_factory=list)


def case_files(folder: Path) -> list[tuple[Path, Path]]:
    cases = []
    for gold in sorted(folder.glob("*.gold.json")):
        stem = gold.name[: -len(".gold.json")]
        sources = [p for p in folder.glob(stem + ".*") if p != gold and p.suffix != ".md"]
        if len(sources) == 1:
            cases.append((sources[0], gold))
    return cases


def labelled_sets(root: Path) -> list[tuple[str, Path]]:
    """("dev", root) and (name, folder) for each sub-folder with labelled calls."""
    sets = [("dev", root)]
    sets += [(sub.name, sub) for sub in sorted(root.iterdir()) if sub.is_dir() and case_files(sub)]
    return sets


def predict(source_file: Path, gold: dict[str, Any]) -> dict[str, Any]:
    extractor = BuiltinExtractor(
        seller_domains=gold.get("seller_domains") or (), seller_company=gold.get("seller_company")
    )
    source = Source(
        kind=gold.get("kind", "call"),
        title=gold.get("title"),
        occurred_at=date.fromisoformat(gold["call_date"]) if gold.get("call_date") else None,
    )
    transcript = parse_transcript(source_file.read_bytes(), filename=source_file.name)
    extraction = extractor.extract(transcript, source=source, targets=ExtractionTargets())
    return extraction.to_json()


def score(folder: Path) -> Report:
    report = Report()
    for source_file, gold_file in case_files(folder):
        gold = json.loads(gold_file.read_text())
        got = predict(source_file, gold)
        report.calls += 1
        _score_call(report, gold, got, name=source_file.name)
    return report


def _count(report: Report, kind: str, gold: list[Any], got: list[Any], pairs: list[Any]) -> None:
    tally = report.tallies[kind]
    tally.gold += len(gold)
    tally.predicted += len(got)
    tally.matched += len({id(p) for _, p in pairs})
    tally.found += len({id(g) for g, _ in pairs})


def _items(raw: Any) -> list[Item]:
    """Gold written by another hand may list plain strings: a value without a quote."""
    items = []
    for item in raw or []:
        if isinstance(item, str):
            item = {"value": item, "name": item, "text": item, "paraphrase": True}
        items.append({"quote": "", "value": "", "due": None, "side": None, **item})
    return items


def _score_call(report: Report, gold: dict[str, Any], got: dict[str, Any], *, name: str) -> None:
    promised = _items(gold.get("commitments"))
    commitments = pair(promised, got["commitments"], by_quote)
    _count(report, "commitments", promised, got["commitments"], commitments)
    for g, p in commitments:
        report.due_pairs += 1
        report.due_exact += g["due"] == p["due"]
        if g["due"]:
            report.dated_pairs += 1
            report.dated_exact += g["due"] == p["due"]
        if g["due"] != p["due"]:
            report.misses.append(f"{name}: due {p['due']} != gold {g['due']}: {g['quote']}")
    _list_misses(report, name, "commitment", promised, got["commitments"], commitments,
                 show=lambda i: i["quote"])  # fmt: skip
    people = _items(gold.get("stakeholders"))
    matched_people = pair(people, got["stakeholders"], by_person)
    _count(report, "stakeholders", people, got["stakeholders"], matched_people)
    _list_misses(report, name, "stakeholder", people, got["stakeholders"], matched_people,
                 show=lambda i: f"{i['name']} ({i['side']})")  # fmt: skip
    fields = gold.get("fields") or {}
    for key in (*TEXT_FIELDS, "customer_timeline", "call_recordings"):
        gold_items = _items(fields.get(key))
        got_items = got["fields"].get(key, [])
        if key in TEXT_FIELDS:
            pairs = covered(gold_items, pair(gold_items, got_items, by_text))
        else:
            pairs = pair(gold_items, got_items, by_value)
        _count(report, key, gold_items, got_items, pairs)
        _list_misses(report, name, key, gold_items, got_items, pairs,
                     show=lambda i: str(i["value"])[:160])  # fmt: skip


def _list_misses(
    report: Report,
    name: str,
    kind: str,
    gold: list[Item],
    got: list[Item],
    pairs: list[tuple[Item, Item]],
    *,
    show: Callable[[Item], str],
) -> None:
    matched_gold = {id(g) for g, _ in pairs}
    matched_got = {id(p) for _, p in pairs}
    report.misses += [f"{name}: missed {kind}: {show(g)}" for g in gold
                      if id(g) not in matched_gold]  # fmt: skip
    report.misses += [f"{name}: extra {kind}: {show(p)}" for p in got if id(p) not in matched_got]


def render(title: str, report: Report) -> str:
    lines = [
        f"{title}: {report.calls} calls",
        f"  {'kind':<20}{'P':>7}{'R':>7}   {'floor P/R':<11}matched/predicted  found/gold",
    ]
    set_floors = floors(title)
    for kind, t in report.tallies.items():
        floor = "/".join(f"{f:.2f}" for f in set_floors[kind]) if kind in set_floors else ""
        lines.append(
            f"  {kind:<20}{t.precision():>7.2f}{t.recall():>7.2f}   {floor:<11}"
            f"{f'{t.matched}/{t.predicted}':>17}  {t.found}/{t.gold}"
        )
    due = report.due_exact / report.due_pairs if report.due_pairs else 1.0
    dated = report.dated_exact / report.dated_pairs if report.dated_pairs else 1.0
    timeline = report.tallies["customer_timeline"].recall()
    lines.append(
        f"  commitment due exact: {due:.2f} ({report.due_exact}/{report.due_pairs}); "
        f"dated due exact: {dated:.2f} ({report.dated_exact}/{report.dated_pairs}), "
        f"floor {DATED_DUE_FLOOR:.2f}"
    )
    lines.append(f"  timeline dates exact: {timeline:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "tests" / "data" / "calls")
    parser.add_argument(
        "--verbose", action="store_true", help="list the misses of the development sets only"
    )
    args = parser.parse_args(argv)
    for title, folder in labelled_sets(args.dir):
        if not case_files(folder):
            print(f"{title}: no labelled calls in {folder}")
            continue
        report = score(folder)
        print(render(title, report))
        if args.verbose and title in DEVELOPMENT_SETS:  # sealed sets: aggregates, never items
            print("\n".join("    " + m for m in report.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
