"""Field findings: the call recordings here, plus the helpers the other field rules share
(use_case.py, metrics.py, risks.py, timeline.py).

A finding's quote is a verbatim passage of one speaker turn: the sentence that triggered the
rule, and the neighbouring sentences of the same turn that carry its content, because people
put the cue and the substance in different sentences ("That's my worry. Our Salesforce is
not pretty." / "What we need is simple. Get dispatch off the whiteboard, ...").

Rule:
- recording: a URL on a recording host, or any URL in a sentence about a recording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.context.model import FieldSuggestion, Side
from bot.context.sentences import Sentence, passage

_I = re.IGNORECASE
RESTATED = re.compile(
    r"\b(?:they|them|their|wants|success for them|correct me if I'm wrong|to recap|"
    r"if I heard you right|if I understand (?:you )?(?:right|correctly))\b",
    _I,
)
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


def find_recordings(sentences: Sequence[Sentence]) -> list[FieldSuggestion]:
    found = []
    for s in sentences:
        for raw in URL.findall(s.text):
            url = raw.rstrip(".,;:!?")
            if _RECORDING_HOST.search(url) or _RECORDING_WORD.search(s.text):
                found.append(suggestion([s], value=url))
    return found
