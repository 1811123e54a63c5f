"""Field findings: the customer's use case and the call recordings here, plus the helpers the
other field rules share (metrics.py, risks.py, timeline.py).

A finding's quote is a verbatim passage of one speaker turn: the sentence that triggered the
rule, and the neighbouring sentences of the same turn that carry its content, because people
put the cue and the substance in different sentences ("That's my worry. Our Salesforce is
not pretty." / "What we need is simple. Get dispatch off the whiteboard, ...").

Rules:
- use case: a customer stating a goal ("we're looking to", "our main goal", "what we really
  want is", "the whole point is", "we need one system", "our use case"), or a seller restating
  it ("bought it for", "mainly to", "the goal, correct me if I'm wrong, is", "to recap");
  when the cue sentence only announces it ("What we need is simple."), the next sentence of
  the turn is the substance;
- recording: a URL on a recording host, or any URL in a sentence about a recording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.context.model import FieldSuggestion, Side
from bot.context.sentences import Sentence, passage, plain

_I = re.IGNORECASE
_USE_CASE = re.compile(
    r"\b(?:we're looking (?:to|for)|we are looking (?:to|for)|(?:our|their|the) "
    r"(?:main |primary |other |big |first )?(?:goal|objective|priority)(?:,[^,]{0,40},)?"
    r"(?: is| was| here|(?=:))|"
    r"the whole point (?:is|was)|"
    r"what we're trying to do|what we (?:really )?(?:want|need) is|"
    r"we're trying to|our use case|the use case|we need (?:one|a|an|visibility|to automate|"
    r"something|to replace|to consolidate|to get rid of)|we want (?:customers|one|a|to give|"
    r"to automate|to replace|to consolidate|to move|to get rid of)|we'd like to|"
    r"we're hoping to|the big thing for us|the (?:biggest|main) pain|bought it for|mainly to|"
    r"the main reason)\b",
    _I,
)
RESTATED = re.compile(
    r"\b(?:they|them|their|wants|success for them|correct me if I'm wrong|to recap|"
    r"if I heard you right|if I understand (?:you )?(?:right|correctly))\b",
    _I,
)
# "The goal is to get that to four days": a goal that only points at a number is a metric
_POINTS_AT_NUMBER = re.compile(
    r"\b(?:goal|target|objective) (?:is|was) to (?:\w+ ){0,2}(?:that|it|this|those|these)\b", _I
)
# "What we need is simple." / "The goal is this:" announce the use case without saying it
_ANNOUNCES = re.compile(r"\b(?:is|was)\s+(?:simple|this|pretty simple|easy|three things)\W*$", _I)
URL = re.compile(r"https?://[^\s<>()\"'`]+")
_RECORDING_HOST = re.compile(
    r"(?:gong\.io|zoom\.us/rec|fathom\.video|chorus\.ai|loom\.com/share|otter\.ai|grain\.com|"
    r"fireflies\.ai|tldv\.io|avoma\.com|clari\.com/copilot)",
    _I,
)
_RECORDING_WORD = re.compile(r"\brecord(?:ing|ed)?\b", _I)


def suggestion(sentences: Sequence[Sentence], value: str | None = None) -> FieldSuggestion:
    """A suggestion quoting `sentences` (consecutive, one turn); the first one is cited."""
    quote = passage(sentences)
    first = sentences[0]
    return FieldSuggestion(value=value or quote, quote=quote, speaker=first.speaker, at=first.at)


def side_of(sentence: Sentence, sides: dict[str, Side]) -> Side:
    return sides.get(sentence.speaker or "", "customer")


def same_turn(sentences: Sequence[Sentence], index: int, *, before: int, after: int) -> list[int]:
    """Indices of sentence `index` and up to `before` / `after` neighbours in its segment."""
    segment = sentences[index].segment
    first, last = index, index
    while first > 0 and index - first < before and sentences[first - 1].segment == segment:
        first -= 1
    while (
        last + 1 < len(sentences)
        and last - index < after
        and sentences[last + 1].segment == segment
    ):
        last += 1
    return list(range(first, last + 1))


def find_use_cases(
    sentences: Sequence[Sentence], *, sides: dict[str, Side]
) -> list[FieldSuggestion]:
    found = []
    for index, s in enumerate(sentences):
        text = plain(s.text)
        if text.endswith("?") or not _USE_CASE.search(text) or _POINTS_AT_NUMBER.search(text):
            continue
        restated = RESTATED.search(text) or re.search(r"\b(?:bought it for|mainly to)\b", text)
        if side_of(s, sides) == "seller" and not restated:
            continue  # the seller's own goals are not the customer's use case
        span = [index]
        if _ANNOUNCES.search(text):
            span = same_turn(sentences, index, before=0, after=1)
        found.append(suggestion([sentences[i] for i in span]))
    return found


def find_recordings(sentences: Sequence[Sentence]) -> list[FieldSuggestion]:
    found = []
    for s in sentences:
        for raw in URL.findall(s.text):
            url = raw.rstrip(".,;:!?")
            if _RECORDING_HOST.search(url) or _RECORDING_WORD.search(s.text):
                found.append(suggestion([s], value=url))
    return found
