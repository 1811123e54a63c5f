"""Field findings from single sentences: use case, success metrics, risks, recordings, timeline.

Rules, each on one sentence:
- use case: a customer stating a goal ("we're looking to", "our main goal", "we need one
  system", "what we're trying to do", "our use case"), or a seller restating it for the
  handoff ("bought it for", "mainly to");
- success metric: a quantity (a percentage, "from 10 days to 3", a number with a unit, "near
  zero", "same-day", "a quarter of") AND a measured thing or a change ("close", "response
  time", "CSAT", "calls", "cut", "reduce", "get … to", "goal"), said by the customer or restated
  by the seller about "them"; the seller's own claims ("most of our customers land at 90%") and
  prices are not the customer's metrics;
- risk: worry words ("concern", "worried", "nervous", "risk", "blocker", "keeps me up at
  night") outside their idioms ("no worries", "not worried", "risk assessment" is kept);
- recording: a URL on a recording host, or any URL in a sentence about a recording;
- timeline: a milestone word (go-live, launch, kickoff, cutover, contract ends, "date") with
  the nearest usable date in the same sentence; not the seller's own "we'll have X live by".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from bot.context.dates import find_dates
from bot.context.model import FieldSuggestion, Side
from bot.context.sentences import Sentence, plain

_I = re.IGNORECASE
_USE_CASE = re.compile(
    r"\b(?:we're looking (?:to|for)|we are looking (?:to|for)|(?:our|the) (?:main |primary |other |"
    r"big |first )?(?:goal|objective|priority) (?:is|was|here)|what we're trying to do|"
    r"we're trying to|our use case|the use case|we need (?:one|a|an|visibility|to automate|"
    r"something|to replace|to consolidate|to get rid of)|we want (?:customers|one|a|to give|"
    r"to automate|to replace|to consolidate|to move)|we'd like to|we're hoping to|"
    r"the big thing for us|the (?:biggest|main) pain|bought it for|mainly to|the main reason)\b",
    _I,
)
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|sixty|ninety|a hundred|half an?)"
)
_QUANTITY = re.compile(
    rf"(?:\b{_NUMBER_WORD}\s+(?:percent|minutes|hours|days|weeks|months|business days)\b|"
    r"\d+(?:[.,]\d+)?\s*(?:%|percent\b)|\bfrom\s+\S+\s+(?:\w+\s+)?to\s+\S+|"
    r"\b(?:under|below|over|above|at least|less than|more than|down to|up to|close to|near|"
    r"within|to)\s+(?:\d|one|two|three|four|five|six|ten|zero)|\b(?:near|close to) zero\b|"
    r"\bsame[- ]day\b|\bday one\b|\ba (?:quarter|third|half) of\b|\b\d+\s+(?:minutes|hours|"
    r"days|weeks|months|business days)\b|\b(?:at|is) \d{2}\b|\bto \d{2}\b)",
    _I,
)
_MEASURE = re.compile(
    r"\b(?:close|response|resolution|CSAT|NPS|churn|retention|calls|tickets|deflect\w*|"
    r"corrections?|errors?|spend|cost|savings?|payback|ROI|on-time|auto-match\w*|match rate|"
    r"productive|ramp|setup|set up|onboarding|adoption|utili[sz]ation|accuracy|time|revenue|"
    r"cut|reduce|increase|improve|goal|target|want|need|get (?:\w+ )?(?:to|down|under)|"
    r"would make|thrilled|hero|success)\b",
    _I,
)
_NOT_METRIC = re.compile(
    r"\$\s?\d[\d,]*(?:\.\d+)?\s*(?:per|a|/)\s*(?:seat|user|month|year)|\bper seat\b|"
    r"\bmost of our customers\b|\bour customers\b|\bpricing\b",
    _I,
)
_RESTATED = re.compile(r"\b(?:they|them|their|wants|success for them)\b", _I)
_RISK = re.compile(
    r"\b(?:concern(?:s|ed)?|worr(?:y|ied|ies)|nervous|anxious|risks?|risky|blockers?|blocking|"
    r"keeps? me up at night|twitchy|real problem|big problem|deal-?breaker|hard requirement|"
    r"non-negotiable|won't (?:sign|budge|approve|roll out)|can't slip|skeptical|hesitant|"
    r"push ?back|budget (?:freeze|cuts?|is tight)|tight (?:timeline|budget)|bottleneck|"
    r"also (?:evaluating|looking at|talking to)|competitor|red flag|showstopper)\b",
    _I,
)
_NOT_RISK = re.compile(
    r"\b(?:no worries|not worried|don't worry|no concerns?|no risk|low risk|risk-free)\b", _I
)
URL = re.compile(r"https?://[^\s<>()\"'`]+")
_RECORDING_HOST = re.compile(
    r"(?:gong\.io|zoom\.us/rec|fathom\.video|chorus\.ai|loom\.com/share|otter\.ai|grain\.com|"
    r"fireflies\.ai|tldv\.io|avoma\.com|clari\.com/copilot)",
    _I,
)
_RECORDING_WORD = re.compile(r"\brecord(?:ing|ed)?\b", _I)
_MILESTONE = re.compile(
    r"\b(?:go[- ]live|live|launch(?:es|ing)?|kick(?:-| )?off|cut ?over|roll(?:-| )?out|"
    r"contract (?:ends|expires|is up)|renewal|hard date|deadline|date|in production|"
    r"up and running|deploy(?:ed|ment)?|start (?:the rollout|using|implementation))\b",
    _I,
)
_OUR_PROMISE = re.compile(r"\b(?:I'll|we'll|we'd|I will|we will|we're going to)\b", _I)


def _suggestion(sentence: Sentence, value: str | None = None) -> FieldSuggestion:
    return FieldSuggestion(
        value=value or sentence.text, quote=sentence.text, speaker=sentence.speaker, at=sentence.at
    )


def _side(sentence: Sentence, sides: dict[str, Side]) -> Side:
    return sides.get(sentence.speaker or "", "customer")


def find_use_cases(
    sentences: Sequence[Sentence], *, sides: dict[str, Side]
) -> list[FieldSuggestion]:
    found = []
    for s in sentences:
        text = plain(s.text)
        if text.endswith("?") or not _USE_CASE.search(text):
            continue
        restated = _RESTATED.search(text) or re.search(r"\b(?:bought it for|mainly to)\b", text)
        if _side(s, sides) == "seller" and not restated:
            continue  # the seller's own goals are not the customer's use case
        found.append(_suggestion(s))
    return found


def find_metrics(sentences: Sequence[Sentence], *, sides: dict[str, Side]) -> list[FieldSuggestion]:
    found = []
    for s in sentences:
        text = plain(s.text)
        if text.endswith("?") or _NOT_METRIC.search(text):
            continue
        if not (_QUANTITY.search(text) and _MEASURE.search(text)):
            continue
        if _side(s, sides) == "seller" and not _RESTATED.search(text):
            continue
        found.append(_suggestion(s))
    return found


def find_risks(sentences: Sequence[Sentence]) -> list[FieldSuggestion]:
    return [
        _suggestion(s)
        for s in sentences
        if _RISK.search(plain(s.text))
        and not _NOT_RISK.search(plain(s.text))
        and not s.text.rstrip().endswith("?")
    ]


def find_recordings(sentences: Sequence[Sentence]) -> list[FieldSuggestion]:
    found = []
    for s in sentences:
        for raw in URL.findall(s.text):
            url = raw.rstrip(".,;:!?")
            if _RECORDING_HOST.search(url) or _RECORDING_WORD.search(s.text):
                found.append(_suggestion(s, value=url))
    return found


def find_timeline(
    sentences: Sequence[Sentence], *, sides: dict[str, Side], base: date | None
) -> list[FieldSuggestion]:
    """For each milestone word, the nearest usable date in the sentence (ISO value)."""
    if base is None:
        return []
    found: list[FieldSuggestion] = []
    for s in sentences:
        text = plain(s.text)
        if text.endswith("?"):
            continue
        if _side(s, sides) == "seller" and _OUR_PROMISE.search(text):
            continue  # "we'll have SSO live by January 15" is a commitment, not their timeline
        mentions = [m for m in find_dates(text, base=base) if m.usable]
        chosen: list[date] = []
        for cue in _MILESTONE.finditer(text):
            if not mentions:
                break
            near = min(mentions, key=lambda m: abs((m.start + m.end) / 2 - cue.start()))
            if abs((near.start + near.end) / 2 - cue.start()) <= 80 and near.value not in chosen:
                chosen.append(near.value)  # type: ignore[arg-type]
        found += [_suggestion(s, value=d.isoformat()) for d in chosen]
    return found
