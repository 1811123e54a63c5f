"""The customer's use case: what they are buying the product to do, in their words.

- A customer stating a goal: "we're looking to", "our main goal", "what we really want is",
  "the whole point is", "the main thing for us is", "we need one system", "our use case",
  "our finance team wants your product for", "we're using <us> to", a single place for what
  is scattered ("in one repository", "one e-rostering system for every ward"), a new way of
  working in place of the old ("we want the crew leads doing their logs on their phones
  instead of on clipboards");
- or a seller restating it ("bought it for", "mainly to", "the goal, correct me if I'm wrong,
  is", "to recap"); when the customer confirms a restatement and says it again in their own
  words in the next turn ("That's exactly it. Mobile-first training for ..."), their words are
  the use case and the restatement gives way.
When the cue sentence only announces it ("What we need is simple."), the next sentence of the
turn is the substance. Not a use case: a goal that is a number ("The goal is forty percent
deflection": a metric) or a date ("we'd like to go live March 16": the timeline).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from bot.context.colleagues import turns
from bot.context.model import FieldSuggestion, Side
from bot.context.numbers import SPOKEN_NUMBER
from bot.context.sentences import Sentence, plain
from bot.context.signals import RESTATED, same_turn, side_of, suggestion

_I = re.IGNORECASE
_USE_CASE = re.compile(
    r"\b(?:we're looking (?:to|for)|we are looking (?:to|for)|(?:our|their|the) "
    r"(?:main |primary |other |big |first )?(?:goal|objective|priority)(?:,[^,]{0,40},)?"
    r"(?: is| was| here|(?=:))|"
    r"the whole point (?:is|was)|the main thing (?:for us )?(?:is|was)|"
    r"what we're trying to do|what we (?:really )?(?:want|need) is|"
    r"we're trying to|our use case|the use case|we need (?:one|a|an|visibility|to automate|"
    r"something|to replace|to consolidate|to get rid of)|we want (?:customers|one|a|to give|"
    r"to automate|to replace|to consolidate|to move|to get rid of)|we'd like to|"
    r"we're hoping to|the big thing for us|the (?:biggest|main) pain|bought it for|mainly to|"
    r"the main reason|"
    r"wants? (?:your|the) (?:product|platform|tool|software|solution) for|"
    r"(?:in|into|onto|on) (?:one|a single) (?:place|system|platform|repository|tool|view)|"
    r"^one (?:[\w-]+ )?(?:system|platform|place|repository|tool) for|"
    r"we (?:want|need) [^.]{0,120}\binstead of)\b",
    _I,
)
# "The goal is to get that to four days" / "The goal is forty percent deflection": a metric
_POINTS_AT_NUMBER = re.compile(
    r"\b(?:goal|target|objective) (?:is|was) (?:to (?:\w+ ){0,2}(?:that|it|this|those|these)\b|"
    rf"(?:to (?:\w+ ){{0,2}})?(?:\d|(?:{SPOKEN_NUMBER})\s+(?:percent|%)))",
    _I,
)
_ABOUT_TIMING = re.compile(r"\b(?:go(?:ing)? live|live (?:by|before|on|in))\b", _I)
# "What we need is simple." / "The goal is this:" announce the use case without saying it
_ANNOUNCES = re.compile(r"\b(?:is|was)\s+(?:simple|this|pretty simple|easy|three things)\W*$", _I)
_PLAYBACK = re.compile(
    r"\b(?:correct me|tell me if|stop me if|if I've got (?:this|that|it) wrong|play (?:it|that) "
    r"back|if I heard you right|if I understand|to recap|so primarily)\b",
    _I,
)
_CONFIRMS = re.compile(  # "Yes.", "Exactly, ...", "That's exactly it." (not "Right now we ...")
    r"^(?:(?:yes|yeah|yep|exactly|correct|right|spot on)[.,!]|"
    r"that's (?:exactly )?(?:it|right|correct)\b)",
    _I,
)


def find_use_cases(
    sentences: Sequence[Sentence], *, sides: dict[str, Side], ours: re.Pattern[str] | None = None
) -> list[FieldSuggestion]:
    """`ours`: our company's name as people say it ("we're using Signalpath to ...")."""
    using = re.compile(
        rf"\b(?:we're|we are|we'll be) using (?:you|your \w+|{ours.pattern if ours else '(?!)'})"
        r"\s+(?:to|for)\b",
        _I,
    )
    found: list[tuple[int, FieldSuggestion]] = []
    for index, s in enumerate(sentences):
        text = plain(s.text)
        if text.endswith("?") or _POINTS_AT_NUMBER.search(text) or _ABOUT_TIMING.search(text):
            continue
        if not (_USE_CASE.search(text) or using.search(text)):
            continue
        restated = RESTATED.search(text) or re.search(r"\b(?:bought it for|mainly to)\b", text)
        if side_of(s, sides) == "seller" and not restated:
            continue  # the seller's own goals are not the customer's use case
        span = [index]
        if _ANNOUNCES.search(text):
            span = same_turn(sentences, index, before=0, after=1)
        found.append((index, suggestion([sentences[i] for i in span])))
    return _in_their_words(sentences, found, sides=sides)


def _in_their_words(
    sentences: Sequence[Sentence],
    found: list[tuple[int, FieldSuggestion]],
    *,
    sides: dict[str, Side],
) -> list[FieldSuggestion]:
    """A customer turn confirming the seller's restatement and saying it again replaces it."""
    grouped = turns(sentences)
    replaced: set[int] = set()
    for previous, turn in pairwise(grouped):
        said = plain(" ".join(sentences[i].text for i in previous))
        if side_of(sentences[previous[0]], sides) != "seller" or not _PLAYBACK.search(said):
            continue
        first = sentences[turn[0]]
        if side_of(first, sides) != "customer" or not _CONFIRMS.match(plain(first.text)):
            continue
        substance = [i for i in turn if not _CONFIRMS.match(plain(sentences[i].text))]
        if not substance or len(sentences[substance[0]].text.split()) < 5:
            continue
        replaced |= set(previous)
        found.append((substance[0], suggestion([sentences[substance[0]]])))
    return [item for index, item in sorted(found, key=lambda f: f[0]) if index not in replaced]
