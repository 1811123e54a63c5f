"""A promise in the conversation around it (promises.py finds the promises; this settles which
of them stand, once the talk before and after them is read).

- A colleague's to-do is not a promise to the customer: a promise addressed by name to someone
  of our own side ("Lena, I'll drop the notes into the handover doc", "I'll put it in your
  calendar, Freddie."), or answering a colleague's internal request to the speaker ("Tomasz,
  can you open a ticket with legal so they review it internally?" / "Yes, I'll do that this
  afternoon.").
- A promise withdrawn later in the call is no promise: a withdrawal ("that one's off the
  table", "I have to walk that back", "correction: the extra seats aren't something I can
  include after all"; a correction that takes nothing back, "correction: the 9th", is not one)
  takes back the earlier promise it names (two content words in common),
  or else the latest promise of the speaker, or of the colleague it answers, said within the
  few turns before it; a correction reaches across its sentence ("Correction on my earlier msg
  re: termination, ... legal tells me ... we can't offer 60"). A withdrawal right after an
  offer in its own sentence ("we could do a free pilot at one of the plants, that's, actually,
  sorry, I have to walk that back") takes back that offer, not an earlier promise.
- A promise said again is one promise: a recap or a reminder that repeats what our side
  promised in an earlier turn ("let me recap: ..., and you'll have the E and I number and W-9
  today and the VPAT by end of next week"; "I'll write up the HL7 field mapping" then "I'll
  have the HL7 mapping doc to Alan's team early next week") is not counted twice: the first
  saying stands (a recap that ends on a new promise keeps that promise, as its own clause);
  the core of a promise (dates and elaborations aside) must repeat, not just its container
  ("the revised order form, with all of that reflected" is new).
- One promise said in two sentences is one promise: a sentence that only points back at the
  promise beside it in the same turn ("We'll lock your price for three years. That goes in the
  order form."; "June's doable. We'll have it live across all fourteen.") joins it, and so
  does one that only says we will travel to deliver it ("Thursday the 19th it is. I'll come
  down in person."); the quote spans both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.context.colleagues import addressed, first_name, internal_request_to, turns
from bot.context.model import Commitment, Side
from bot.context.sentences import BACK_REFERENCE, Sentence, passage, plain

_NOT = r"(?:\bnot\b|n't\b|\bno longer\b)"
WITHDRAWAL = re.compile(
    r"\b(?:off the table|walk (?:that|it|this) back|(?:I'm|I am) taking (?:that|it|this) back|"
    r"I take (?:that|it) back|scratch that|strike that|forget I said|"
    r"(?:that|it|this)(?: \w+)? (?:has )?expired|(?:that|it|this) (?:changed|is no longer))\b|"
    rf"\bcorrection\b[^.!?]*{_NOT}|{_NOT}[^.!?]{{0,60}}\bafter all\b",
    re.IGNORECASE,
)
# an offer made just before the withdrawal in its own sentence is what it takes back: "we
# could do a free pilot at one of the plants, that's, actually, sorry, I have to walk that back"
_OWN_OFFER = re.compile(r"\b(?:I|we)(?:'d|'ll|\s+(?:could|can|would|will))\b", re.IGNORECASE)
_REPORTED = re.compile(r"\b(?:promised|told|assured)\s+[A-Z]")
# how a promise beside it will be delivered, not a deliverable: "I'll come down in person."
_TRAVEL = re.compile(
    r"(?:\w+,?\s+)?(?:I|we)(?:'ll|\s+will)\s+(?:come|swing|fly|head|pop|drive|travel)\b", re.I
)
_RECENT = 3  # turns before a withdrawal that name no promise, within which it takes the latest
_WORD = re.compile(r"[a-z0-9]+")
_COMMON = {
    "the", "and", "for", "you", "your", "our", "that", "this", "with", "can", "will", "all",
    "are", "was", "but", "not", "have", "from", "they", "their", "just", "also", "about",
    "after", "something", "earlier", "sorry", "really", "include", "get", "give", "send",
}  # fmt: skip
_RECAP = re.compile(
    r"\b(?:to recap|recap(?:ping)?[:,]|in summary|to summari[sz]e|summary of)", re.I
)
_OWN_PROMISE = re.compile(r"\b(?:I|we|you)(?:'ll|\s+will)\b", re.IGNORECASE)
_ELABORATION = re.compile(r",?\s+(?:with|so|so that|which|because)\s+", re.IGNORECASE)
# when, not what: two promises sharing "end of next week" share no deliverable
_DATE_WORDS = {
    "today", "tonight", "tomorrow", "week", "next", "end", "early", "day", "eod", "monday",
    "tuesday", "wednesday", "thursday", "friday", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "month", "first",
    "last", "before", "then", "time", "kickoff",
}  # fmt: skip


@dataclass(frozen=True)
class Found:
    """A promise as promises.py found it: its sentence, where its clause ends, the promise."""

    index: int
    end: int
    commitment: Commitment


def colleagues_todo(sentences: Sequence[Sentence], found: Found, *, sides: dict[str, Side]) -> bool:
    """Is the promise a to-do between colleagues of our side (see the module docstring)?"""
    sentence = sentences[found.index]
    ours = {first_name(s) for s, side in sides.items() if side == "seller"}
    theirs = {first_name(s) for s, side in sides.items() if side == "customer"}
    speaker = first_name(sentence.speaker)
    spoken_to = addressed(sentence.text) - {speaker}
    reported = _REPORTED.search(plain(found.commitment.quote))  # "I promised Marco we'd ..."
    if spoken_to & (ours - theirs) and not spoken_to & theirs and not reported:
        return True
    grouped = turns(sentences)
    position = next(n for n, turn in enumerate(grouped) if found.index in turn)
    if position == 0:
        return False
    previous = grouped[position - 1]
    asker = sentences[previous[0]].speaker
    if asker == sentence.speaker or sides.get(asker or "") != "seller":
        return False
    return internal_request_to(sentences, previous) == speaker


def withdrawn(
    sentences: Sequence[Sentence], promises: list[Found], *, sides: dict[str, Side]
) -> set[int]:
    """Positions in `promises` of those a later withdrawal takes back."""
    dropped: set[int] = set()
    for sentence in sentences:
        if sides.get(sentence.speaker or "") != "seller":
            continue
        withdrawal = WITHDRAWAL.search(plain(sentence.text))
        if not withdrawal or _OWN_OFFER.search(plain(sentence.text)[: withdrawal.start()]):
            continue
        earlier = [
            n
            for n, p in enumerate(promises)
            if sentences[p.index].segment < sentence.segment and n not in dropped
        ]
        said = _words(sentence.text)
        named = [n for n in earlier if len(said & _words(promises[n].commitment.quote)) >= 2]
        if named:
            dropped.add(named[-1])
            continue
        speakers = {sentence.speaker} | {
            s for s in sides if first_name(s) in addressed(sentence.text)
        }
        recent = [
            n
            for n in earlier
            if promises[n].commitment.by in speakers
            and sentence.segment - sentences[promises[n].index].segment <= _RECENT
        ]
        if recent:
            dropped.add(recent[-1])
    return dropped


def restated(sentences: Sequence[Sentence], promises: list[Found]) -> set[int]:
    """Positions in `promises` of those that repeat what our side promised in an earlier turn:
    at least three words of their core (from their last "I'll / we'll / you'll" to ", with
    ..." / "so ...", dates aside) and half of them were in earlier promises. A document that
    gathers earlier terms ("the final order form, with the price lock and the Findlay
    installation language in it") is a new deliverable: its core shares only "order form"."""
    repeats: set[int] = set()
    for n, found in enumerate(promises):
        quote = plain(found.commitment.quote)
        starts = [m.start() for m in _OWN_PROMISE.finditer(quote)]  # the last one is the promise
        core = _ELABORATION.split(quote[starts[-1] if starts else 0 :], maxsplit=1)[0]
        words = _words(core) - _DATE_WORDS
        segment = sentences[found.index].segment
        said: set[str] = set()
        for other in promises[:n]:
            if sentences[other.index].segment < segment:
                said |= _words(other.commitment.quote)
        shared = words & said
        if len(shared) >= 3 and 2 * len(shared) >= len(words):
            repeats.add(n)
    return repeats


def recap_tail(clause: str) -> int:
    """Where the promise of a recap starts: a recap lists what was agreed and may end on a new
    promise ("Okay, to recap: two trainings included, SSO guide today, and I'll send the
    proposal by Friday"), which is then the clause; 0 for any other clause."""
    marker = _RECAP.search(clause)
    starts = [m.start() for m in _OWN_PROMISE.finditer(clause, marker.end())] if marker else []
    return starts[-1] if starts else 0


def join_back_references(sentences: Sequence[Sentence], promises: list[Found]) -> list[Found]:
    """Fold each promise that only points back into its neighbour in the same turn."""
    kept = list(promises)
    n = 0
    while n < len(kept):
        current = kept[n]
        if _points_back(kept, n):
            for other in (n - 1, n + 1):
                if 0 <= other < len(kept) and _adjacent(sentences, kept[other], current):
                    first, second = sorted((kept[other], current), key=lambda p: p.index)
                    kept[min(n, other)] = _joined(sentences, first, second, main=kept[other])
                    del kept[max(n, other)]
                    n = min(n, other)
                    break
            else:
                n += 1
            continue
        n += 1
    return kept


def _points_back(promises: list[Found], n: int) -> bool:
    quote = plain(promises[n].commitment.quote)
    return bool(BACK_REFERENCE.search(quote) or _TRAVEL.match(quote))


def _adjacent(sentences: Sequence[Sentence], a: Found, b: Found) -> bool:
    return abs(a.index - b.index) == 1 and sentences[a.index].segment == sentences[b.index].segment


def _joined(sentences: Sequence[Sentence], first: Found, second: Found, *, main: Found) -> Found:
    quote = passage([sentences[first.index], sentences[second.index]])
    due = main.commitment.due or first.commitment.due or second.commitment.due
    at = sentences[first.index].at
    commitment = replace(main.commitment, quote=quote, due=due, at=at)
    return Found(index=first.index, end=second.end, commitment=commitment)


def _words(text: str) -> set[str]:
    words = _WORD.findall(plain(text).lower())
    return {w for w in words if (len(w) > 2 or w.isdigit()) and w not in _COMMON}
