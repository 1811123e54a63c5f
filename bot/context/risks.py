"""Risks: what could stop the deal or the rollout.

- A worry said outright: "concern", "worried", "nervous", "risk", "blocker", "a real problem",
  "my bigger issue", "a real gap", "non-starter", "deal-breaker", "pushback", "I've been
  burned", "over what we budgeted", a competing quote or evaluation ("a quote from", "we're
  looking at you and two others"), knowledge nobody has ("nobody understands them"), an
  approver who is not on board ("she's not supportive", "our CFO will not sign above one
  million", "she froze new software spend"), the hardest part, what could slow them down, a
  date that cannot move ("if we miss it, it waits a quarter", "trained before April 6th or
  it's gonna wait till fall", "if cutover slips", "not switching systems mid-season", "that's
  aggressive"); not their idioms ("no worries", "not a problem", "not worried"), nor "risk" in
  a name ("vendor risk committee", "Chief Risk Officer"), nor a request to write down the risk
  just said ("Put that down as a risk."). Said by the customer, or by the seller when
  flagging it or speaking about the customer ("their IT is nervous"); the seller echoing it
  ("So budget's a risk too.") adds nothing.
- A gap left open: the customer states a requirement of their organisation ("our legal
  prefers our paper", "we require", "our security team needs") and the seller's answer does
  not commit ("we might be able to", "it's in beta", "no promises", "I'd have to check", "I
  don't know if they'd go for it"). A feature asked about or wished for and left open ("what
  about Spanish?", "we'd want a custom field") is a follow-up, not a risk (three labelled sets
  agree), and asking for a concession ("can you throw in the add-on for free?") is
  negotiation. The quote is the seller's answer; the value is the ask, marked "(no commitment
  given)".
A worry's quote is its sentence with the sentences around it in the same turn, the cue often
only points ("That's my worry. Our Salesforce is not pretty."); worries in adjoining sentences
of one turn make one passage (up to five sentences).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from bot.context.model import FieldSuggestion, Side
from bot.context.sentences import Sentence, passage, plain
from bot.context.signals import RESTATED, same_turn, side_of, suggestion

_I = re.IGNORECASE
_WORRY = re.compile(
    r"\b(?:concern(?:s|ed)?|worr(?:y|ied|ies)|nervous|anxious|risks?|risky|blockers?|blocking|"
    r"keeps? me up at night|twitchy|(?:a |real |big |huge )problem|(?:real |big |huge )gap|"
    r"(?:my |our |the )?(?:big|bigger|biggest|main|other|real) issue|non-?starter|deal-?breaker|"
    r"hard requirement|non-negotiable|"
    r"(?:won't|will not|wouldn't|would not) (?:sign|budge|approve|roll out|switch)|"
    r"(?:froze|frozen|freezing) (?:\w+ ){0,3}(?:spend\w*|budget|purchas\w+|hiring)|"
    r"(?:the )?hardest part|biggest challenge|"
    r"(?:could|might|would|will) (?:easily )?(?:slow (?:us|this|it|things) down|delay|"
    r"hold (?:us|this|it|things) up|derail|block)|"
    r"\bor (?:else )?(?:it's|it is|it'll|it will|we're|everything)(?: \w+)? (?:gonna |going to )?"
    r"(?:wait|slip|slide|be pushed|be delayed)|(?:if|when) [^.,]{0,40}\bslips|"
    r"can't (?:slip|move|have that|lose|afford)|not switching|skeptical|hesitant|reluctant|"
    r"push ?back|"
    r"budget (?:freeze|cuts?|is tight)|over (?:what we|our) budget\w*|tight (?:timeline|budget)|"
    r"(?:is|that's|it's) (?:aggressive|tight)|bottleneck|been burned|burned (?:on|by)|"
    r"also (?:evaluating|looking at|talking to)|looking at (?:you and|a few|other)|competitor|"
    r"a quote from|quoted us|red flag|showstopper|nobody (?:\w+ )?(?:understands|knows)|"
    r"not supportive|isn't my call|locked in|held hostage|waits? (?:a|another) quarter|"
    r"(?:if|when) we miss)\b",
    _I,
)
_NOT_WORRY = re.compile(
    r"\b(?:no worries|not worried|don't worry|no concerns?|no risk|low risk|risk-free|"
    r"no problem|not a problem|not an issue|no issue|"
    # recording a risk just said: "Put that down as a risk, Paula." (that one is the risk)
    r"(?:put|note|mark|log|write|flag|add) (?:that|it|this) (?:down )?as a risk)\b",
    _I,
)
# "risk" naming a function or a title, not a worry: "vendor risk committee", "Chief Risk Officer"
_RISK_NAME = re.compile(
    r"\b(?:chief|vendor|credit|operational|third[- ]party|enterprise|model) risk\b|"
    r"\brisk (?:committee|assessment|analyst|officer|management|register|team|review|profile|"
    r"appetite|rating|score|function|department|questionnaire)s?\b",
    _I,
)
# the seller raising a risk on purpose; a bare "So budget's a risk too." only echoes the customer
_FLAG = re.compile(r"\b(?:flag(?:ging)?|heads up|watch out)\b", _I)
_LONGEST = 5  # sentences in one risk's passage
_REQUIREMENT = re.compile(
    r"\b(?:we require|(?:our|my) (?:legal|policy|security|compliance|IT|procurement|board|"
    r"regulator)(?: team)? (?:prefers|requires|needs|wants|insists)|(?:our|company) policy "
    r"(?:is|says|requires))\b",
    _I,
)
_TIMING = re.compile(r"\b(?:timing|timeline|go[- ]live|live by|deadline)\b", _I)
_NOT_COMMITTED = re.compile(
    r"\b(?:might be able|may be able|could maybe|no promises|don't want to promise|"
    r"let me not promise|not (?:going to|gonna) promise|can't (?:promise|commit)|"
    r"cannot (?:promise|commit)|I'd have to (?:check|see|take|think|ask)|have to check|"
    r"hate to promise|circle back|"
    r"in beta|on the roadmap|not there yet|partially there|don't know (?:if|when|whether)|"
    r"wouldn't (?:count|plan) on|we'll see what|(?:I'd|I would|we'd) (?:want|need) to check|"
    r"check with (?:product|engineering)|before I (?:say yes|commit|promise))\b",
    _I,
)


def find_risks(sentences: Sequence[Sentence], *, sides: dict[str, Side]) -> list[FieldSuggestion]:
    spans: list[list[int]] = []  # one passage per stretch of worry talk in a turn
    for index, s in enumerate(sentences):
        text = plain(s.text)
        if text.endswith("?") or _NOT_WORRY.search(text):
            continue
        if not _WORRY.search(_RISK_NAME.sub(" ", text)):
            continue
        if side_of(s, sides) == "seller" and not (_FLAG.search(text) or RESTATED.search(text)):
            continue  # "I get the concern", "So budget's a risk too.": the seller answering
        after = 2 if len(text.split()) <= 7 else 1  # "That's my worry." points forward
        span = same_turn(sentences, index, before=1, after=after)
        if spans and spans[-1][-1] >= span[0] - 1 and sentences[spans[-1][0]].segment == s.segment:
            merged = sorted(set(spans[-1]) | set(span))
            spans[-1] = merged[:_LONGEST]
        else:
            spans.append(span)
    found = [(span[0], suggestion([sentences[i] for i in span])) for span in spans]
    covered = {i for span in spans for i in span}
    found += _open_gaps(sentences, sides=sides, covered=covered)
    return [risk for _, risk in sorted(found, key=lambda item: item[0])]  # in call order


def _open_gaps(
    sentences: Sequence[Sentence], *, sides: dict[str, Side], covered: set[int]
) -> list[tuple[int, FieldSuggestion]]:
    """Requirements the customer raised that the seller's next turn left uncommitted, each
    with the index of the sentence it quotes first."""
    found: list[tuple[int, FieldSuggestion]] = []
    turns = _turns(sentences)
    for previous, current in pairwise(turns):
        asker, answerer = sentences[previous[0]], sentences[current[0]]
        if side_of(asker, sides) != "customer" or side_of(answerer, sides) != "seller":
            continue
        ask = [
            i
            for i in previous
            if _REQUIREMENT.search(plain(sentences[i].text))
            and not _TIMING.search(plain(sentences[i].text))
        ]
        hedge = [i for i in current if _NOT_COMMITTED.search(plain(sentences[i].text))]
        if not ask or not hedge or covered.intersection(previous):
            continue
        asked = passage([sentences[i] for i in previous if i >= ask[0]][:2])
        span = [i for i in current if hedge[0] - 1 <= i <= hedge[-1]][:3]
        answer = [sentences[i] for i in span]
        value = f"{asked} (no commitment given)"
        found.append((span[0], suggestion(answer, value=value)))
    return found


def _turns(sentences: Sequence[Sentence]) -> list[list[int]]:
    """Sentence indices grouped by segment, in order."""
    turns: list[list[int]] = []
    for index, sentence in enumerate(sentences):
        if turns and sentences[turns[-1][0]].segment == sentence.segment:
            turns[-1].append(index)
        else:
            turns.append([index])
    return turns
