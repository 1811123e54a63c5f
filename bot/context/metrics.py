"""Success metrics: the numbers the customer will judge the project by.

A metric is said by the customer (or restated by the seller about "them"): a quantity (a
percentage, a number with a unit, "from 10 days to 3", "under two hours", "cut in half", "near
zero", "same-day"; numbers spelled out as transcripts write them) together with what it
measures or a target ("close", "response time", "CSAT", "cut", "I want", "the goal").
People give the baseline and the target in consecutive sentences ("Each manager spends about
six hours a week on forecast prep. I want that down to one hour."), so a metric is found at its
target (a quantity with "I want", "the goal", "get to", "cut", "under", "near zero", "instead
of" in one sentence), takes the sentence before it in the same turn when that one holds the
baseline number, and needs what is measured somewhere in the turn: one suggestion per target.
A number without a target is context ("60 percent of inbound calls are WISMO"), not a metric.
Not metrics either: prices ("$79 per seat"), times of day, the seller's claims about their
other customers ("most of our customers land at 90%"), a level already reached ("the pilot got
us to 31 percent"), what the customer calls a side effect, and questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.context.model import FieldSuggestion, Side
from bot.context.numbers import SPOKEN_NUMBER
from bot.context.sentences import Sentence, plain
from bot.context.signals import RESTATED, same_turn, side_of, suggestion

_I = re.IGNORECASE
_NUM = rf"(?:\d+(?:[.,]\d+)?|{SPOKEN_NUMBER})"
_UNITS = (
    r"(?:seconds|minutes?|hours?|days|weeks|months|business days|working days|dollars|cents|"
    r"pounds|euros)"
)
_QUANTITY = re.compile(
    rf"(?:\b{_NUM}\s*(?:%|percent\b)|\b{_NUM}\s+(?:\w+\s+)?{_UNITS}\b|"
    r"\bfrom\s+\S+\s+(?:\w+\s+){0,2}to\s+\S+|\bzero\s+\w+|"
    r"\b(?:under|below|over|above|at least|less than|more than|down to|up to|close to|near|"
    rf"within|to|at)\s+(?:about\s+|like\s+|around\s+)?{_NUM}\b|\b(?:near|close to) zero\b|"
    r"\bsame[- ]day\b|\bday one\b|\ba (?:quarter|third|half) of\b|"
    r"\b(?:in|by) (?:half|a third|a quarter)\b|\b(?:double|triple)\b)",
    _I,
)
_NUMBER = re.compile(rf"\b{_NUM}\b", _I)
_UNIT_QUANTITY = re.compile(
    rf"\b{_NUM}\s*(?:%|percent\b|(?:\w+\s+)?{_UNITS}\b)|\bsame[- ]day\b", _I
)
# what is measured: anywhere in the speaker's turn ("Manager time. Each manager spends ...")
_MEASURE = re.compile(
    r"\b(?:close|response|resolution|CSAT|NPS|churn|retention|calls|tickets|deflect\w*|"
    r"corrections?|errors?|failures?|spend|cost|savings?|payback|ROI|on-time|auto-match\w*|"
    r"match rate|touchless|accuracy|cycle time|fresh\w*|behind|callbacks?|penalt\w+|fees?|"
    r"downtime|uptime|missed|turnaround|"
    r"confirm\w*|productive|ramp|setup|set up|onboarding|adoption|utili[sz]ation|time|revenue|"
    r"jobs|visits?|fix|rate|delivery|conversion|pipeline|forecast|next steps?|opps|"
    r"cut|reduce|increase|improve)\b",
    _I,
)
# the level they want to reach, said in the sentence that holds the quantity
_TARGET = re.compile(
    r"\b(?:(?:I|we|they) (?:want|need|'d like|'d love|would like|would love)|I'd like|I'd love|"
    r"I'd want|we'd want|wants|needs? to (?:stay|be|get|hit|reach|remain)|"
    r"goal|target|(?:get|getting) (?:[\w-]+ ){0,3}(?:to|down|under|below|up)|cut|reduce|"
    rf"reduction|improvement|zero\s+\w+|down (?:by )?{_NUM}|"
    rf"(?:under|below|less than|at least|no more than)\s+{_NUM}|"
    r"down to|instead of|near zero|close to zero|same[- ]day|thrilled|hero|"
    r"from \S+ (?:\w+ ){0,2}to|"
    r"success (?:for|means|is|looks like)|if (?:we|it|the [\w-]+(?: [\w-]+)?) could)\b",
    _I,
)
_NOT_METRIC = re.compile(
    r"\$\s?\d[\d,]*(?:\.\d+)?\s*(?:per|a|/)\s*(?:seat|user|month|year)|\bper (?:seat|agent)\b|"
    r"\bmost of our customers\b|\bour customers\b|\bcustomers like\b|\bwe did this (?:with|for)\b|"
    r"\bpricing\b|\bside effect\b|"
    r"\bnice[- ]to[- ]have\b|\b\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock)",
    _I,
)


# a level already reached ("The pilot got us to 31 percent", "they got their spend down by 26
# percent") is a result, unless the sentence also says what they want
_REACHED = re.compile(r"\b(?:got|brought|took)\s+(?:\w+\s+){0,3}?(?:to|down|up)\b", _I)
_WANTED = re.compile(r"\b(?:want|need|goal|target|'d like|would like|if)\b", _I)  # "If we got to"


def find_metrics(sentences: Sequence[Sentence], *, sides: dict[str, Side]) -> list[FieldSuggestion]:
    groups: list[list[int]] = []
    for index, s in enumerate(sentences):
        text = plain(s.text)
        if text.endswith("?") or _NOT_METRIC.search(text):
            continue
        if not (_QUANTITY.search(text) and _TARGET.search(text)):
            continue
        if _REACHED.search(text) and not _WANTED.search(text):
            continue
        turn = same_turn(sentences, index, before=len(sentences), after=len(sentences))
        said = " ".join(plain(sentences[i].text) for i in turn)
        if side_of(s, sides) == "seller" and not RESTATED.search(said):
            continue  # the seller's own numbers; a restatement speaks of "them"
        if not (_MEASURE.search(said) or _UNIT_QUANTITY.search(said)):
            continue  # what is measured: a KPI word, or a baseline with a unit ("twelve days")
        group = [index]
        baseline = index - 1
        if (
            baseline in turn
            and not (groups and baseline in groups[-1])
            and _NUMBER.search(plain(sentences[baseline].text))
            and not _NOT_METRIC.search(plain(sentences[baseline].text))
        ):
            group = [baseline, index]
        groups.append(group)
    return [suggestion([sentences[i] for i in group]) for group in groups]
