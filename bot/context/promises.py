"""Seller commitments: what our side promised, with the date it is due.

A clause (see sentences.split_clauses) said by a seller-side speaker is a commitment when it
- binds us in the first person: "I'll send", "we will", "we're going to", "your CSM will",
  "our team will", "Kofi will", "we can put that in the DPA", "let me loop in"; or delivers
  something of ours to a date: "row filters will be live in your tenant in March", "revised
  pricing coming your way by Friday";
- grants a term: "is included", "includes … at no cost", "we'll waive", "in the order form",
  "we guarantee", "we're crediting", "at the same per-site price";
- reports one: "I promised Marco we'd …", "Aisha told Raj we'd …", "I agreed we'd …";
- states a delivery tied to the deal: "Sensors ship within thirty days of signature.",
  "Implementation starts the day after signature.", "the discount holds if you sign by …";
- or agrees to the customer's goal: "End of Q1 is doable.", "That's very achievable.", "June's
  doable."; a settling "February 22 it is." / "That works." / "End of Q1 works." / "January
  26th we can hit." counts only when it settles a date (said in it or in the turn before):
  "Thirty-one it is." settles a number of trucks, not a promise; a feasibility that hangs on
  the customer ("achievable if the shifts are visible early enough") is an assessment;
and it names what it delivers (a verb of delivery, a date or a term: deliverables.py), and
it is not a question, not hedged, call logistics, an offer that hangs on the customer's
choice, standard product behaviour, nothing delivered, or taken back or disclaimed later in the
turn (hedges.py); nor a colleague's to-do or withdrawn later in the call, and a sentence that
only points back at the promise beside it joins it (promise_talk.py).
The due date is the clause's deadline date (see dates.py); a date that is the customer's
condition ("if you sign by …") or relative to an unknown event ("within 30 days of signature")
gives no due date; in a sentence that hangs on an event ("If you get me access, I will have it
connected by the 20th"), a calendar date still counts but a span ("within two weeks") does not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from bot.context.colleagues import named_promise
from bot.context.dates import DateMention, find_dates, taken_date
from bot.context.deliverables import names_a_delivery
from bot.context.hedges import (
    delivers_nothing,
    describes_the_product,
    introduces_self,
    is_capability,
    is_disclaimed,
    is_hedged,
    is_logistics,
    is_offer,
    is_retracted,
)
from bot.context.model import Commitment, Side
from bot.context.promise_talk import (
    Found,
    colleagues_todo,
    join_back_references,
    recap_tail,
    restated,
    withdrawn,
)
from bot.context.sentences import Sentence, plain, split_clauses

_BINDING = re.compile(
    r"(?i:\b(?:I'll|I will|we'll|we will|I'm going to|we're going to|we are going to|"
    r"(?:your|our)\s+(?:[\w-]+\s+){0,3}(?:CSM|team|manager|engineer|lead|specialist)\s+will|"
    r"you'll (?:get|have)|you will (?:get|have)|"
    r"you can (?:drop|cancel|add|keep|swap|pause|downgrade|terminate)\b|"
    r"(?<!if\s)(?:we|I) can (?!also\s+see)(?:\w+\s+)?(?:put|configure|add|include|record|do|"
    r"set|give|offer|provide|extend|waive|lock|commit|guarantee|get you|build|support|hold|"
    r"keep|honor|match)|"
    r"let me (?:also\s+)?(?:loop|set up|send|introduce|bring|get you)|"
    r"we (?:guarantee|guaranteed|commit|committed|promise|promised)|I (?:promise|promised|agreed)|"
    r"(?:told|assured|promised)\s+\w+\s+(?:that\s+)?(?:we'd|we would|we'll|we will)|"
    r"we're crediting|we'll credit|"
    # something of ours being delivered: "Sandbox will be ready for you on Monday"
    r"will be (?:ready|live|available|done|enabled|set up|configured|delivered|in place)"
    r"(?:\s+(?:in|on|for) (?:your|the) [\w-]+)?\s+(?:for you|by|on|before|in time|"
    r"in (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*|in Q[1-4])|"
    # said without a verb of ours: "revised pricing for all 22 clinics coming your way by Friday"
    r"(?:coming|headed|heading|on (?:its|their) way) (?:your way|to you)|"
    r"(?:I'll|we'll) make sure)\b)"
)
_TERMS = re.compile(
    r"\b(?:is included|are included|included in|includes?\b.*\b(?:at no|free|no charge|no extra)|"
    r"(?:is|are) (?:free|complimentary)\b(?! to)|free of charge|no (?:extra|additional) charge|"
    r"at no (?:extra )?(?:cost|charge)|no charge|waive|in (?:the|your)(?: signed)? order form|"
    r"written into|in the DPA|lock(?:ed)? (?:the )?(?:per-seat )?price|"
    r"(?:at|for) the same (?:[\w-]+ )?(?:price|rate)|"
    r"(?:discount|price|pricing|rate) (?:holds|stands)|"
    # a delivery dated by the deal itself: "Sensors ship within thirty days of signature"
    r"(?:ships?|starts?|begins?|kicks? off|goes live)\b[^.?]{0,40}\b(?:of|after|from|upon) "
    r"(?:signature|signing|contract signature))\b",
    re.IGNORECASE,
)
_FEASIBLE = re.compile(r"\b(?:doable|achievable)\b", re.IGNORECASE)
_OPINION = re.compile(r"\bI (?:think|guess|suppose|reckon)\b", re.IGNORECASE)
_CONDITIONED = re.compile(r"\b(?:if|as long as|provided|assuming|depending)\b", re.IGNORECASE)
_AGREEMENT = re.compile(
    r"^(?:\w+[,.]?\s+)?(?:[\w\s-]{0,30}(?:\s|(?='s)))?(?:is|it's|that's|'s)\s+(?:\w+\s+)?"
    r"(?:doable|achievable)\b|"
    r"\bit is\.?$|^(?:yes|yep|sure)[,.]?\s+(?:that|it) works\b|"
    r"^(?:\w+\s+){0,2}\d{1,2}(?:st|nd|rd|th)?\s+works\b",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:(?:so|and|yes|yeah|yep|okay|ok|sure|great|perfect|absolutely|correct|totally|"
    r"understood|will do|also|plus|but|then|on it|no problem|here's what I can do)[,.!:]?\s+)+",
    re.IGNORECASE,
)
_SUBJECT = re.compile(
    r"^(?:I'll|I will|we'll|we will|I'm going to|we're going to|we can|I can|let me(?: also)?)\s+",
    re.IGNORECASE,
)
_I = re.IGNORECASE
_DEADLINE_WORD = re.compile(
    r"\b(?:by|before|until|till|through|no later than|on|within|in)\s+$", re.IGNORECASE
)
_SPAN = re.compile(r"(?:within|in|inside)\b|\S+\s+\S+\s+from\s+(?:today|now)", re.IGNORECASE)


_ANY_DAY = date(2000, 1, 3)  # a base for asking whether a clause says a date at all
_CONDITIONAL_START = re.compile(r"^(?:\w+,?\s+)?(?:once|if|when|after|as soon as|assuming)\b", _I)


def find_commitments(
    sentences: Sequence[Sentence],
    *,
    sides: dict[str, Side],
    base: date | None,
    colleagues: Sequence[str] = (),
    fiscal_start: int | None = None,
) -> list[Commitment]:
    """`colleagues`: first names of seller-side people, for "Kofi will run the kickoff";
    `fiscal_start`: the month the customer's fiscal year starts, if the call said it."""
    named = named_promise(colleagues)
    found: list[Found] = []
    for index, sentence in enumerate(sentences):
        if sides.get(sentence.speaker or "", "customer") != "seller":
            continue
        if introduces_self(plain(sentence.text)):
            continue  # "I'm Victor Ramos, I'm going to be your CSM": who, not what
        # "Once we have the export, … within two weeks": a span hangs on an unknown event
        conditional = bool(_CONDITIONAL_START.search(plain(sentence.text)))
        position = 0
        for whole in split_clauses(sentence.text):
            position = sentence.text.index(whole, position) + len(whole)
            clause = whole[recap_tail(plain(whole)) :]  # "to recap: ..., and I'll send X"
            text = plain(clause)
            taken = taken_date(text, base=base, fiscal_start=fiscal_start) if base else None
            agreement = bool(_AGREEMENT.search(text)) or taken is not None
            settled = agreement and not _FEASIBLE.search(text)  # "X it is", "X works"
            if agreement and _FEASIBLE.search(text) and _CONDITIONED.search(text):
                continue  # "achievable if the bank shifts are visible": an assessment
            if agreement and (is_hedged(text) or _OPINION.search(text)):
                continue  # "I think it's doable, but ...": an opinion, not yet a yes
            dated = bool(find_dates(text, base=base or _ANY_DAY, fiscal_start=fiscal_start))
            if not (agreement or _is_commitment(text, named=named, dated=dated)):
                continue
            due = taken or _due(text, base=base, spans=not conditional, fiscal_start=fiscal_start)
            if due is None and agreement and index > 0 and base is not None:
                due = _last_date(sentences, before=index, base=base)  # "That's very doable."
            if settled and due is None:
                continue  # "Thirty-one it is." settles a number, not the customer's date
            commitment = Commitment(
                text=describe(clause), by=sentence.speaker, due=due, quote=clause, at=sentence.at
            )
            found.append(Found(index=index, end=position, commitment=commitment))
    kept = [
        f
        for n, f in enumerate(found)
        if not _taken_back(sentences, found, n) and not colleagues_todo(sentences, f, sides=sides)
    ]
    gone = withdrawn(sentences, kept, sides=sides)
    kept = [f for n, f in enumerate(kept) if n not in gone]
    again = restated(sentences, kept)
    kept = [f for n, f in enumerate(kept) if n not in again]
    return [f.commitment for f in join_back_references(sentences, kept)]


def _taken_back(sentences: Sequence[Sentence], found: list[Found], n: int) -> bool:
    """What the speaker says after promise `n` in the same turn, up to their next promise,
    retracts it ("I'll get it to you Friday. Oh, wait, Friday's a holiday."), or what they
    say next in the turn disclaims it ("…, but I can't promise anything on that one")."""
    index, end, commitment = found[n].index, found[n].end, found[n].commitment
    rest = sentences[index].text[end:]
    after = [rest]
    following = found[n + 1] if n + 1 < len(found) else None
    if following is None or following.index != index:
        stop = following.index if following else len(sentences)
        for sentence in sentences[index + 1 : stop]:
            if sentence.segment != sentences[index].segment:
                break
            after.append(sentence.text)
    next_sentence = after[1] if len(after) > 1 else ""
    if is_disclaimed(plain(rest + " " + next_sentence)):
        return True
    # "I can get you the SOC report today, actually, hold on": inside the promise's own clause
    own = commitment.quote
    binding = _BINDING.search(plain(own))
    after.insert(0, own[binding.end() :] if binding else "")
    return is_retracted(plain(" ".join(after)))


def _is_commitment(
    clause: str, *, named: re.Pattern[str] | None = None, dated: bool = False
) -> bool:
    if len(clause.split()) < 4 or _is_question(clause):
        return False
    if is_hedged(clause) or is_logistics(clause) or delivers_nothing(clause):
        return False
    binding = _BINDING.search(clause) or (named.search(clause) if named else None)
    if is_offer(clause, binding=binding):
        return False
    if is_capability(clause, binding=binding) and not _TERMS.search(clause):
        return False  # "We can set the threshold per account": the product, not a promise
    terms = _TERMS.search(clause)
    if describes_the_product(clause) and not terms:
        return False  # "we back up your data daily, automatically": the product, for everyone
    if binding and not (terms or names_a_delivery(clause, binding=binding, dated=dated)):
        return False  # "we'll keep you posted": nothing delivered, no date, no term
    return bool(binding or terms)


def _is_question(clause: str) -> bool:
    """A question, unless the promise comes before the question: "I promised Marco we'd have
    it by Friday, so can you chase product?" still promises."""
    if not clause.rstrip().endswith("?"):
        return False
    head = clause.rsplit(",", 1)[0] if "," in clause else ""
    return not (_BINDING.search(head) or _TERMS.search(head))


def describe(clause: str) -> str:
    """A short imperative-ish text: fillers and the "I'll" subject dropped, first letter up."""
    text = _SUBJECT.sub("", _LEAD.sub("", plain(clause).strip())).rstrip(" .,;!")
    return text[:1].upper() + text[1:] if text else clause


def best_deadline(mentions: list[DateMention], text: str) -> DateMention | None:
    """Prefer a date after "by / before / on / within"; then today/tomorrow/weekday phrases;
    a date used as an attribute ("for the April 6 kickoff", "the February 28 go-live") last."""
    usable = [m for m in mentions if m.usable and not _hedged(text, m)]
    if not usable:
        return None

    def rank(mention: DateMention) -> int:
        before = text[: mention.start]
        if _DEADLINE_WORD.search(before) or mention.phrase.lower().startswith(("within", "in ")):
            return 0
        if re.search(r"\b(?:for|the)\s+$", before, re.IGNORECASE):
            return 2
        return 1

    return min(usable, key=rank)


def _hedged(text: str, mention: DateMention) -> bool:
    """ "which should be within a week or so" is an estimate, not a promised date."""
    window = text[max(0, mention.start - 25) : mention.end + 8]
    return bool(re.search(r"\b(?:should|usually|typically|roughly|or so)\b", window, re.I))


def _due(
    clause: str, *, base: date | None, spans: bool = True, fiscal_start: int | None = None
) -> date | None:
    """The clause's deadline; `spans=False` when the clause hangs on an event ("once we have
    the export"): then a span ("within two weeks") has no date, a calendar date still does."""
    if base is None:
        return None
    mentions = find_dates(clause, base=base, fiscal_start=fiscal_start)
    if any(m.value is None for m in mentions):  # "within 30 days of signature"
        return None
    if re.search(r"\bwhichever comes (?:first|later|last)\b", clause, re.IGNORECASE):
        return None  # alternatives, not one date
    if not spans:
        mentions = [m for m in mentions if not _SPAN.match(m.phrase)]
    chosen = best_deadline(mentions, clause)
    return chosen.value if chosen else None


def _last_date(sentences: Sequence[Sentence], *, before: int, base: date) -> date | None:
    """The customer's date that the seller just agreed to: the last usable date said in the
    segment before the one holding the agreement."""
    own = sentences[before].segment
    earlier = [s for s in sentences[:before] if s.segment != own]
    if not earlier:
        return None
    previous = earlier[-1].segment
    for sentence in reversed(earlier):
        if sentence.segment != previous:
            break
        usable = [m for m in find_dates(plain(sentence.text), base=base) if m.usable]
        if usable:
            return usable[-1].value
    return None
