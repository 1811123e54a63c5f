"""Split segments into sentences (the unit every rule reads and every quote cites).

Each sentence is an exact substring of its segment's text, so a quote built from it always
passes `quotes.quote_in_source`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.context.segments import Transcript, format_offset

# Abbreviations whose final dot does not end a sentence.
_ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "st", "vs", "etc", "inc", "ltd", "co", "no", "approx",
    "e.g", "i.e", "a.m", "p.m", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mt", "ft",
}  # fmt: skip
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(\[]?[A-Z0-9@:])")
# A sentence or clause that only points back at a promise beside it: "That goes in the order
# form.", "It'll be written into the SOW", "We'll have it live across all fourteen.", "and I'll
# put that in the order form", "I'll bring our consultant for that.", "We'll have you live by
# then." ("that" as a pronoun; "I can put that language in" names a thing).
_POINTER = r"(?:it|that|this|them)"
BACK_REFERENCE = re.compile(
    rf"^(?:\w+,?\s+)?{_POINTER}(?:'s|'ll(?:\s+be)?|\s+(?:is|goes|will be|gets|stays))\s+"
    r"(?:in|into|on|part of|written|included|covered|done|live|ready|there)\b|"
    r"^(?:\w+,?\s+)?(?:I|we)(?:'ll|\s+will|\s+can|'m going to|'re going to)\s+(?:also\s+)?\w+\s+"
    rf"{_POINTER}(?=\s+(?:in|into|on|onto|to|over|back|up|down|out|live|ready|done|sorted|across|"
    r"through|for|by|today|tonight|tomorrow)\b|\s*[.,;!?]|\s*$)|"
    r"\bfor (?:that|it|this)(?: one)?[.!]?$|"  # "I'll bring our solutions consultant for that."
    r"\bby (?:then|that (?:date|point|time))[.!]?$",  # "We'll have you live by then."
    re.IGNORECASE,
)
# Clause breaks for two commitments in one sentence: "I'll …, and I'll …" / "…; we'll …" /
# "I can't do two times, but I can do one and a half" (the concession stands alone). Not
# before "and I'll be there": being somewhere or something elaborates the first promise; nor
# before a clause that points back at the first ("…, and I'll put that in the order form").
_CLAUSE = re.compile(
    r"(?:,?\s+(?:and|plus|also|but)\s+|;\s+)"
    r"(?=(?:I|we|We)(?:'ll|'d|\s+(?:will|guarantee|promise|commit|can)\b)(?!\s*be\b))"
)
# The first piece must itself be ours ("Once we have the export, Devon will run the analysis
# and we'll have the results back" is one promise, not two).
_FIRST_PERSON = re.compile(
    r"\b(?:I|we)(?:'ll|'m going to|'re going to|\s+(?:will|can|guarantee|promise|commit)\b)|"
    r"\blet me\b|\b(?:your|our)\s+(?:[\w-]+\s+){0,3}(?:CSM|team|manager|engineer|lead|specialist)"
    r"\s+will\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    text: str
    speaker: str | None
    at: str | None
    segment: int  # index of the segment it came from
    source: str = ""  # that segment's whole text (shared, not copied) ...
    start: int = 0  # ... and where this sentence starts in it


_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def plain(text: str) -> str:
    """Curly quotes made straight, one character for one, so rules can match "I'll" while
    offsets (and so quotes) still refer to the original text."""
    return text.translate(_PLAIN)


def split_sentences(text: str) -> list[str]:
    """Sentence-split one segment's text; every piece is a substring of `text`."""
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].rstrip("\"'”’)")
        last_word = before.rsplit(None, 1)[-1] if before.split() else ""
        if last_word.rstrip(".").lower() in _ABBREVIATIONS:
            continue
        pieces.append(text[start : match.start()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def split_clauses(sentence: str) -> list[str]:
    """Split before a second "I'll" / "we'll" clause; pieces stay verbatim substrings."""
    text = plain(sentence)
    cuts: list[int] = []
    for match in _CLAUSE.finditer(text):
        if BACK_REFERENCE.match(text[match.end() :]):
            continue
        if _FIRST_PERSON.search(text[cuts[-1] if cuts else 0 : match.start()]):
            cuts.append(match.start())
    bounds = [0, *cuts, len(sentence)]
    clauses = [sentence[a:b].strip(" ;,") for a, b in pairwise(bounds)]
    return [c for c in clauses if c]


def sentences_of(transcript: Transcript, *, timed: bool = True) -> list[Sentence]:
    """All sentences in order; `timed=False` (Slack) leaves `at` empty."""
    found: list[Sentence] = []
    for index, segment in enumerate(transcript.segments):
        at = format_offset(segment.start) if timed else None
        position = 0
        for text in split_sentences(segment.text):
            position = segment.text.index(text, position)
            found.append(
                Sentence(text, segment.speaker, at, index, source=segment.text, start=position)
            )
            position += len(text)
    return found


def passage(sentences: Sequence[Sentence]) -> str:
    """The verbatim stretch of one segment from the first sentence to the last (what a quote
    of several sentences must be); sentences of other segments are left out."""
    if not sentences:
        return ""
    first = sentences[0]
    same = [s for s in sentences if s.segment == first.segment and s.source]
    if not same:
        return first.text
    last = max(same, key=lambda s: s.start)
    return first.source[first.start : last.start + len(last.text)]
