"""Benchmark: the built-in extractor against the labelled calls in tests/data/calls.

    python bench/extract.py [--dir tests/data/calls] [--verbose]

Each call NAME.{vtt,srt,txt,json} has NAME.gold.json (the output shape plus call_date, kind,
title, seller_domains). The dev set (tests/data/calls) and the held-out set (heldout/, written
independently and never used to tune rules) are reported separately.

Matching, one to one and greedy in gold order:
- quotes "match" when, after lower-casing and keeping word characters, one contains the other
  or their token F1 is at least 0.5 (predicted quotes are sentences or clauses, gold quotes
  may be either);
- a commitment matches a gold commitment when their quotes match; "due exact" is the share of
  matched commitments whose due date equals the gold one (both null counts as equal), and
  "dated due exact" the same over matched pairs whose gold due is a date;
- a stakeholder matches when the names agree (case-insensitive; or one name's words are a
  subset of the other's with the same first word: "Victor" ~ "Victor Adeyemi") AND the side
  is the same; a right name on the wrong side counts as a miss and a false positive;
- a text field suggestion (use case, success metrics, risks) matches when quotes match (gold
  given as plain strings, as in heldout/, matches when at least 60% of its content words are
  in the predicted quote or value; a date inside such a string is compared exactly); a
  timeline suggestion when its date equals the gold date exactly; a recording when the URLs
  are equal. "timeline dates exact" = matched timeline dates / gold timeline dates.
Precision = matched / predicted, recall = matched / gold, summed over all calls in a set.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.context.builtin import BuiltinExtractor  # noqa: E402
from bot.context.model import ExtractionTargets, Source  # noqa: E402
from bot.context.transcripts import parse_transcript  # noqa: E402

TEXT_FIELDS = ("primary_use_case", "success_metrics", "risks")
KINDS = ("commitments", "stakeholders", *TEXT_FIELDS, "customer_timeline", "call_recordings")


@dataclass
class Tally:
    predicted: int = 0
    gold: int = 0
    matched: int = 0

    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0


@dataclass
class Report:
    calls: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    due_pairs: int = 0
    due_exact: int = 0
    dated_pairs: int = 0
    dated_exact: int = 0
    misses: list[str] = field(default_factory=list)


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def quotes_match(a: str, b: str) -> bool:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return False
    ja, jb = " ".join(ta), " ".join(tb)
    if ja in jb or jb in ja:
        return True
    common = sum(min(ta.count(t), tb.count(t)) for t in set(ta))
    if not common:
        return False
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r) >= 0.5


def names_match(a: str, b: str) -> bool:
    wa, wb = a.lower().split(), b.lower().split()
    if wa == wb:
        return True
    return bool(wa and wb) and wa[0] == wb[0] and (set(wa) <= set(wb) or set(wb) <= set(wa))


def pair(
    gold: Sequence[dict[str, Any]], predicted: Sequence[dict[str, Any]], same: Callable[..., bool]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    free = list(predicted)
    pairs = []
    for g in gold:
        for p in free:
            if same(g, p):
                pairs.append((g, p))
                free.remove(p)
                break
    return pairs


def case_files(folder: Path) -> list[tuple[Path, Path]]:
    cases = []
    for gold in sorted(folder.glob("*.gold.json")):
        stem = gold.name[: -len(".gold.json")]
        sources = [p for p in folder.glob(stem + ".*") if p != gold and p.suffix != ".md"]
        if len(sources) == 1:
            cases.append((sources[0], gold))
    return cases


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
    tally.matched += len(pairs)


def _items(raw: Any) -> list[dict[str, Any]]:
    """Gold written by another hand may list plain strings; read a string as value and quote."""
    items = []
    for item in raw or []:
        if isinstance(item, str):
            item = {"value": item, "quote": item, "name": item, "text": item, "plain": True}
        items.append({"quote": "", "value": "", "due": None, "side": None, **item})
    return items


_STOP = {"the", "a", "an", "of", "to", "and", "or", "in", "on", "for", "by", "is", "be", "with"}


def loose(g: dict[str, Any], p: dict[str, Any]) -> bool:
    """Gold as a short plain string: at least 60% of its content words are in the quote."""
    words = [t for t in tokens(g["value"]) if t not in _STOP]
    said = set(tokens(p["quote"])) | set(tokens(p["value"]))
    return bool(words) and sum(w in said for w in words) / len(words) >= 0.6


def same_value(g: dict[str, Any], p: dict[str, Any]) -> bool:
    """Dates and URLs compare exactly; a gold string may carry the date inside a phrase."""
    found = re.search(r"\d{4}-\d{2}-\d{2}", g["value"]) if g.get("plain") else None
    return (found.group(0) if found else g["value"]) == p["value"]


def _score_call(report: Report, gold: dict[str, Any], got: dict[str, Any], *, name: str) -> None:
    gold = {
        "commitments": _items(gold.get("commitments")),
        "stakeholders": _items(gold.get("stakeholders")),
        "fields": {k: _items(v) for k, v in (gold.get("fields") or {}).items()},
    }
    by_quote = lambda g, p: quotes_match(g["quote"], p["quote"])  # noqa: E731
    commitments = pair(gold["commitments"], got["commitments"], by_quote)
    _count(report, "commitments", gold["commitments"], got["commitments"], commitments)
    for g, p in commitments:
        report.due_pairs += 1
        report.due_exact += g["due"] == p["due"]
        if g["due"]:
            report.dated_pairs += 1
            report.dated_exact += g["due"] == p["due"]
        if g["due"] != p["due"]:
            report.misses.append(f"{name}: due {p['due']} != gold {g['due']}: {g['quote']}")
    matched = [g for g, _ in commitments]
    report.misses += [f"{name}: missed commitment: {g['quote']}" for g in gold["commitments"]
                      if g not in matched]  # fmt: skip
    used = [p for _, p in commitments]
    report.misses += [f"{name}: extra commitment: {p['quote']}" for p in got["commitments"]
                      if p not in used]  # fmt: skip
    person = lambda g, p: names_match(g.get("name", ""), p["name"]) and g["side"] == p["side"]  # noqa: E731
    people = pair(gold["stakeholders"], got["stakeholders"], person)
    _count(report, "stakeholders", gold["stakeholders"], got["stakeholders"], people)
    for key in (*TEXT_FIELDS, "customer_timeline", "call_recordings"):
        gold_items = gold["fields"].get(key, [])
        got_items = got["fields"].get(key, [])
        same = by_quote if key in TEXT_FIELDS else same_value
        if key in TEXT_FIELDS and any(g.get("plain") for g in gold_items):
            same = loose  # gold given as plain strings: compare with quote or value
        _count(report, key, gold_items, got_items, pair(gold_items, got_items, same))


def render(title: str, report: Report) -> str:
    lines = [
        f"{title}: {report.calls} calls",
        f"  {'kind':<20}{'P':>7}{'R':>7}   matched/pred/gold",
    ]
    for kind, t in report.tallies.items():
        lines.append(
            f"  {kind:<20}{t.precision():>7.2f}{t.recall():>7.2f}   "
            f"{t.matched}/{t.predicted}/{t.gold}"
        )
    due = report.due_exact / report.due_pairs if report.due_pairs else 1.0
    dated = report.dated_exact / report.dated_pairs if report.dated_pairs else 1.0
    timeline = report.tallies["customer_timeline"].recall()
    lines.append(
        f"  commitment due exact: {due:.2f} ({report.due_exact}/{report.due_pairs}); "
        f"dated due exact: {dated:.2f} ({report.dated_exact}/{report.dated_pairs})"
    )
    lines.append(f"  timeline dates exact: {timeline:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "tests" / "data" / "calls")
    parser.add_argument("--verbose", action="store_true", help="list the dev set's misses")
    args = parser.parse_args(argv)
    sets = [("dev", args.dir), ("held-out", args.dir / "heldout")]
    for title, folder in sets:
        if not folder.is_dir() or not case_files(folder):
            print(f"{title}: no labelled calls in {folder}")
            continue
        report = score(folder)
        print(render(title, report))
        if args.verbose and title == "dev":  # never print held-out details: no tuning on them
            print("\n".join("    " + m for m in report.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
