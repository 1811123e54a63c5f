"""The customer's timeline: the dated milestones they are working towards (ISO date values).

A date (usable: not a past reference, not a condition; see dates.py) is a milestone when
- the customer says it next to a milestone or deadline word: go-live, launch, kickoff, cutover,
  rollout, "contract renews", "decision", "pick a vendor", "sign", "budget committed", "board
  meeting", "committee", "fiscal year starts", "has to", "deadline", "season", ...;
- or the customer says it first thing when answering a question about timing: the turn just
  before, by someone else, asks about the "timeline", "dates", "when", a "deadline" or a
  "forcing event" ("So, timeline. You said April?" / "April first. Spring cooling season.");
- or the seller says it next to a milestone word, outside a promise of ours ("we'll have SSO
  live by January 15" is a commitment, not their timeline);
- or the customer takes a date the seller just proposed for a milestone ("I'll schedule the
  kickoff for Wednesday, April eighth. Does that work?" / "April 8 works.").
Each milestone word takes the date nearest to it. Not milestones: the customer's own to-dos
("I'll get our redlines back to you by Wednesday"), dates after a past-tense verb ("Chris left
in March") and dates that open a period ("anything we sign after February 15").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from bot.context.dates import DateMention, find_dates, taken_date
from bot.context.model import FieldSuggestion, Side
from bot.context.sentences import Sentence, plain
from bot.context.signals import side_of, suggestion

_I = re.IGNORECASE
_MILESTONE = re.compile(
    r"\b(?:go[- ]live|live|launch(?:es|ing)?|kick(?:-| )?off|cut ?over|roll(?:-| )?out|"
    r"rolled out|contract (?:ends|is up)|expires?|expiring|renew(?:s|al)|hard (?:date|stop)|"
    r"deadline|date|"
    r"in production|up and running|deploy(?:ed|ment)?|start (?:the rollout|using|implementation)|"
    r"decision|decide|pick (?:a )?vendor|sign|signature|committed|board meeting|committee|"
    r"trained|audit|inspection|pilot (?:running|live|start\w*|begin\w*)|"
    r"(?:start|run|launch)(?:ing)? (?:a|the) pilot|has to|have to|needs? to be|must)\b",
    _I,
)
_OUR_PROMISE = re.compile(
    r"\b(?:I'll|we'll|we'd|I will|we will|we're going to|we (?:guarantee|promise|commit)|"
    r"(?:I|we) can)\b",
    _I,
)
_TODAY = re.compile(
    r"(?:by\s+)?(?:today|tonight|this\s+\w+|later\s+today|EOD|COB|"
    r"(?:the\s+)?end\s+of\s+(?:the\s+)?day)",
    _I,
)
_THEIR_TODO = re.compile(
    r"\b(?:I'll|I will|we'll|we will) (?:\w+ )?(?:get|send|have|put|pull|share|set up|follow up|"
    r"circle back|refresh|do|loop)\b",
    _I,
)
_TIMING_QUESTION = re.compile(
    r"\b(?:timeline|timing|dates?|when|deadline|forcing event|by when|how soon|go-live)\b", _I
)
_PLANNED = r"(?:scheduled|planned|expected|supposed|slated|booked|targeted|committed|needed)"
_PAST_VERB = re.compile(
    rf"\b(?!{_PLANNED}\b)(?:\w+ed|left|went|was|were|did|had|began|got|came|took|ran)\s+"
    r"(?:\w+\s+){0,2}(?:(?:in|on|back in|around|since)\s+)?(?:the\s+)?$",
    _I,
)
_FUTURE = re.compile(r"\b(?:will|'ll|going to|want|need|by|before|until|has to|must)\b", _I)
_NEAR = 80  # characters between a milestone word and its date
_AFTER = re.compile(r"\b(?:after|from|since)\s+(?:the\s+)?$", _I)  # a start, not a milestone


def find_timeline(
    sentences: Sequence[Sentence],
    *,
    sides: dict[str, Side],
    base: date | None,
    fiscal_start: int | None = None,
) -> list[FieldSuggestion]:
    if base is None:
        return []
    found: list[FieldSuggestion] = []
    for index, s in enumerate(sentences):
        text = plain(s.text)
        if text.endswith("?"):
            continue
        seller = side_of(s, sides) == "seller"
        taken = None if seller else taken_date(text, base=base, fiscal_start=fiscal_start)
        if taken and _after_proposed_milestone(sentences, index, sides):
            found.append(suggestion([s], value=taken.isoformat()))
            continue
        if (seller and _OUR_PROMISE.search(text)) or (not seller and _THEIR_TODO.search(text)):
            continue
        mentions = find_dates(text, base=base, fiscal_start=fiscal_start)
        if not any(_milestone_date(text, m) for m in mentions):
            continue
        if not seller and _answers_timing(sentences, index):
            chosen = mentions
        else:
            chosen = _nearest_to_milestones(text, mentions)
        days = [m.value for m in chosen if _milestone_date(text, m)]
        for day in dict.fromkeys(days):
            if day is not None:
                found.append(suggestion([s], value=day.isoformat()))
    return found


def _milestone_date(text: str, mention: DateMention) -> bool:
    """Usable, not after a past-tense verb, not opening a period, not today (a milestone
    dated today is the present: "customers sign on the tablet today")."""
    return (
        mention.usable
        and not _after_past_verb(text, mention)
        and not _AFTER.search(text[: mention.start])
        and not _TODAY.fullmatch(mention.phrase)
    )


def _nearest_to_milestones(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """Each milestone word dates itself with the nearest date within `_NEAR` characters; when
    choosing, a comma or semicolon between them counts as far ("first parallel run June 12,
    go-live for the July 1 payroll": the go-live is July 1)."""
    chosen = []
    for cue in _MILESTONE.finditer(text):

        def gap(m: DateMention, cue: re.Match[str] = cue) -> str:
            return text[m.end : cue.start()] if m.end <= cue.start() else text[cue.end() : m.start]

        if mentions:
            near = min(mentions, key=lambda m: len(gap(m)) + 40 * len(re.findall(r"[,;]", gap(m))))
            if len(gap(near)) <= _NEAR:
                chosen.append(near)
    return chosen


def _after_past_verb(text: str, mention: DateMention) -> bool:
    before = text[max(0, mention.start - 60) : mention.start]
    clause = re.split(r"[,.;:!?]", before)[-1]
    return bool(_PAST_VERB.search(clause)) and not _FUTURE.search(clause)


def _after_proposed_milestone(
    sentences: Sequence[Sentence], index: int, sides: dict[str, Side]
) -> bool:
    """Is sentence `index` the first of a turn right after a seller turn naming a milestone?"""
    if index == 0 or sentences[index - 1].segment == sentences[index].segment:
        return False
    previous = [s for s in sentences[:index] if s.segment == sentences[index - 1].segment]
    said = " ".join(plain(s.text) for s in previous)
    return side_of(previous[0], sides) == "seller" and bool(_MILESTONE.search(said))


def _answers_timing(sentences: Sequence[Sentence], index: int) -> bool:
    """Is sentence `index` the first of a turn answering a question about timing?"""
    first = index
    if first == 0 or sentences[first - 1].segment == sentences[index].segment:
        return False
    start = first - 1
    while start > 0 and sentences[start - 1].segment == sentences[first - 1].segment:
        start -= 1
    asked = sentences[start:first]
    if asked[0].speaker == sentences[index].speaker:
        return False
    question = " ".join(plain(s.text) for s in asked)
    return "?" in question and bool(_TIMING_QUESTION.search(question))
