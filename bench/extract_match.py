"""How bench/extract.py matches predictions to gold items (the rules are written out at the
top of bench/extract.py; this module holds their code so that the script stays readable)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.context.numbers import DAY_ORDINAL, day_ordinal_value, with_digits

PARAPHRASE_F1 = 0.35

Item = dict[str, Any]
Score = Callable[[Item, Item], float]  # 0 = no match


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


def by_quote(g: Item, p: Item) -> float:
    """Quotes; a gold commitment written without a quote is compared as a paraphrase."""
    if not g["quote"]:
        said = (p["quote"], p.get("text") or p.get("value") or "")
        return paraphrase_score(g.get("text") or g["value"], said)
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
