"""Benchmark: the built-in extractor against the labelled calls in tests/data/calls.

    python bench/extract.py [--dir tests/data/calls] [--verbose]

Sets. The calls directly in --dir are the "dev" set; every sub-folder holding labelled calls is
a set of its own, named after the folder (heldout, heldout2, ...), and each set is reported
separately. Only the development sets (dev, heldout) may print item-level detail: --verbose
lists their misses. Every other set (heldout2 is the sealed final measure) prints aggregate
figures only, with or without --verbose, so that nobody tunes rules against it.

Gold. Each call NAME.{vtt,srt,txt,json} has NAME.gold.json: the extractor's output shape plus
call_date (relative dates resolve against it), kind (call | slack), title, and what the app
knows about its own side: seller_domains and/or seller_company. A field item is either a dict
with a value and the verbatim quote it came from (dev), or a plain string: a paraphrase with no
quote (heldout), or for the timeline an ISO date.

Matching is one to one: every candidate (gold, predicted) pair gets a score and pairs are taken
best score first, so a loose pair never takes the partner of a closer one.
- Quotes match when, lower-cased with word characters only, one contains the other (score
  0.5 to 1, the closer their lengths the higher) or their token F1 is at least 0.5 (score: the
  F1). Predicted quotes are sentences, clauses
  or short passages of one turn; gold quotes may be any of these.
- A commitment matches a gold commitment when their quotes match. "due exact" is the share of
  matched commitments whose due date equals the gold one (both null counts as equal); "dated
  due exact" the same over the matched pairs whose gold due is a date.
- A stakeholder matches when the names agree (case-insensitive; or one name's words are a
  subset of the other's with the same first word: "Victor" ~ "Victor Adeyemi") AND the side is
  the same; a right name on the wrong side counts as a miss and a false positive.
- A text field suggestion (use case, success metrics, risks) matches a gold item that has a
  quote when the quotes match; a suggestion quoting a passage (a few sentences of one turn)
  also covers every further gold item whose quote it contains whole ("We're at 71 percent.
  If we could get to 85 percent, ..." delivers both the baseline and the target item): it
  counts once for precision, each covered gold item counts for recall. A gold item given as a
  paraphrase is compared with the predicted quote and the predicted value, taking the better:
  content-word F1 (lower-cased words minus
  stop words, plural/tense endings stripped, numbers as digits so "eleven" = "11", "19th" =
  "nineteenth" = "19" and "%" = "percent") must reach 0.35 with at least two shared content words.
- A timeline suggestion matches when its ISO date equals the gold date; a recording when the
  URLs are equal. "timeline dates exact" = matched timeline dates / gold timeline dates.
Precision = matched predictions / predictions, recall = gold items found / gold items, summed
over the calls of a set.
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
from bot.context.numbers import DAY_ORDINAL, day_ordinal_value, with_digits  # noqa: E402
from bot.context.transcripts import parse_transcript  # noqa: E402

TEXT_FIELDS = ("primary_use_case", "success_metrics", "risks")
KINDS = ("commitments", "stakeholders", *TEXT_FIELDS, "customer_timeline", "call_recordings")
DEVELOPMENT_SETS = ("dev", "heldout")  # the only sets whose items may ever be printed
PARAPHRASE_F1 = 0.35
# The floors tests/context/test_quality.py holds dev and heldout to: (precision, recall). The
# issue's own target for commitments and stakeholders is 0.80 / 0.60; these sit above it so
# that calls nobody has tuned against still clear it.
FLOORS = {
    "commitments": (0.85, 0.70),
    "stakeholders": (0.85, 0.70),
    "primary_use_case": (0.50, 0.40),
    "success_metrics": (0.50, 0.40),
    "risks": (0.50, 0.40),
    "customer_timeline": (0.70, 0.50),
}
DATED_DUE_FLOOR = 0.90  # matched commitments whose gold has a date: due date exact

Item = dict[str, Any]
Score = Callable[[Item, Item], float]  # 0 = no match


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


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def token_f1(a: Sequence[str], b: Sequence[str]) -> float:
    common = sum(min(a.count(t), b.count(t)) for t in set(a))
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


def quote_score(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    ja, jb = " ".join(ta), " ".join(tb)
    if ja in jb or jb in ja:  # the closer in length, the better when choosing pairs
        return 0.5 + 0.5 * min(len(ta), len(tb)) / max(len(ta), len(tb))
    f1 = token_f1(ta, tb)
    return f1 if f1 >= 0.5 else 0.0


def quotes_match(a: str, b: str) -> bool:
    return quote_score(a, b) > 0


_STOP = {
    "a", "an", "the", "of", "to", "and", "or", "in", "on", "for", "by", "is", "be", "are", "was",
    "were", "been", "am", "at", "as", "it", "its", "that", "this", "these", "those", "so", "we",
    "our", "us", "you", "your", "i", "my", "me", "they", "their", "them", "he", "she", "his",
    "her", "with", "from", "into", "out", "up", "do", "does", "did", "not", "no", "but", "if",
    "then", "than", "too", "very", "just", "like", "um", "uh", "yeah", "yes", "okay", "ok",
    "really", "honestly", "actually", "about", "around", "what", "which", "who", "there", "here",
    "all", "any", "some", "each", "can", "could", "would", "should", "will", "may", "might",
    "must", "have", "has", "had", "get", "got", "one", "s", "t", "ll", "re", "ve", "d", "m",
}  # fmt: skip


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _day(match: re.Match[str]) -> str:
    value = day_ordinal_value(match.group(0))
    return str(value) if value else match.group(0)


def content_words(text: str) -> list[str]:
    text = with_digits(text.replace("%", " percent"))
    text = re.sub(rf"\b{DAY_ORDINAL}", _day, text, flags=re.IGNORECASE)  # "nineteenth" = "19"
    text = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", text)  # "19th" = "19"
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [_stem(w) for w in words if w not in _STOP]


def paraphrase_score(gold: str, predicted: Sequence[str]) -> float:
    """Content-word F1 of a paraphrased gold value against the best predicted text."""
    wanted = content_words(gold)
    best = 0.0
    for text in predicted:
        said = content_words(text)
        if not wanted or not said:
            continue
        shared = sum(min(wanted.count(t), said.count(t)) for t in set(wanted))
        f1 = token_f1(wanted, said)
        if shared >= 2 and f1 >= PARAPHRASE_F1:
            best = max(best, f1)
    return best


def names_match(a: str, b: str) -> bool:
    wa, wb = a.lower().split(), b.lower().split()
    if wa == wb:
        return True
    return bool(wa and wb) and wa[0] == wb[0] and (set(wa) <= set(wb) or set(wb) <= set(wa))


def pair(gold: Sequence[Item], predicted: Sequence[Item], score: Score) -> list[tuple[Item, Item]]:
    """One to one, best-scoring candidate pairs first (ties: gold order, then predicted)."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            s = score(g, p)
            if s > 0:
                candidates.append((-s, gi, pi))
    taken_gold: set[int] = set()
    taken_predicted: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, gi, pi in sorted(candidates):
        if gi not in taken_gold and pi not in taken_predicted:
            taken_gold.add(gi)
            taken_predicted.add(pi)
            pairs.append((gi, pi))
    return [(gold[gi], predicted[pi]) for gi, pi in sorted(pairs)]


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


def covered(gold: Sequence[Item], pairs: list[tuple[Item, Item]]) -> list[tuple[Item, Item]]:
    """Add to one-to-one `pairs` the quoted gold items left over whose quote a matched
    prediction's quote contains whole: a passage that holds two gold sentences delivers both."""
    taken = {id(g) for g, _ in pairs}
    extra = []
    for g in gold:
        if id(g) in taken or g.get("paraphrase") or not g["quote"]:
            continue
        needle = " ".join(tokens(g["quote"]))
        for _, p in pairs:
            if needle and needle in " ".join(tokens(p["quote"])):
                extra.append((g, p))
                taken.add(id(g))
                break
    return pairs + extra


def _items(raw: Any) -> list[Item]:
    """Gold written by another hand may list plain strings: a value without a quote."""
    items = []
    for item in raw or []:
        if isinstance(item, str):
            item = {"value": item, "name": item, "text": item, "paraphrase": True}
        items.append({"quote": "", "value": "", "due": None, "side": None, **item})
    return items


def by_quote(g: Item, p: Item) -> float:
    return quote_score(g["quote"], p["quote"])


def by_text(g: Item, p: Item) -> float:
    """The gold quote when there is one, else the paraphrase against quote and value."""
    if g.get("paraphrase") or not g["quote"]:
        return paraphrase_score(g["value"], (p["quote"], p["value"]))
    return quote_score(g["quote"], p["quote"])


def by_value(g: Item, p: Item) -> float:
    """Dates and URLs compare exactly; a paraphrased gold may carry its date inside a phrase."""
    found = re.search(r"\d{4}-\d{2}-\d{2}", g["value"]) if g.get("paraphrase") else None
    return 1.0 if (found.group(0) if found else g["value"]) == p["value"] else 0.0


def by_person(g: Item, p: Item) -> float:
    return 1.0 if names_match(g.get("name", ""), p["name"]) and g["side"] == p["side"] else 0.0


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
    for kind, t in report.tallies.items():
        floor = "/".join(f"{f:.2f}" for f in FLOORS[kind]) if kind in FLOORS else ""
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
