"""Who talks to whom: colleagues introduced, people addressed by name, internal requests.

Calls are full of talk between two people of the same side, said in front of the other side:
- an introduction puts someone on the speaker's side: "I've got Victor with me", "I've
  roped in my colleague Bea", "I've brought Tomasz", "Looping in Rob and Tasha", "I'm adding
  Alan to the channel", "Simon Okoye, our deal desk manager, is on as well", "Sergio's our
  security lead";
- a request about the side's own business (or for the one asking: "Victor, can you add me
  to the kickoff invite?"), addressed to someone by name, is between colleagues: "Victor,
  before you drop, can you get finance to approve the cap on our side?", "@Theo can you pull
  the SOC 2 for me before the forecast call?", "Caleb, stay on a sec." —
  so is a promise answering it ("Yeah, I'll get that sorted internally today.").
sides.py uses the first two to settle speakers who gave too little evidence of their own;
promises.py uses them to tell a colleague's to-do from a promise to the customer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.context.sentences import Sentence, plain

_FIRST = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+"
_PERSON = rf"{_FIRST}(?:\s+{_FIRST}(?:-{_FIRST})?)?"
# "Simon Okoye, our deal desk manager, is on as well", "our solutions engineer, Kofi Mensah"
_ROLE = (
    r"(?:my|our)\s+(?:[\w-]+\s+){0,3}?(?i:manager|lead|engineer|director|architect|consultant|"
    r"specialist|head|VP|counsel|exec(?:utive)?|CSM|AE|SE|rep|colleague|partner|analyst)\b"
)
# "Looping in Dana from your IT team" brings in someone of the other side
_PEOPLE = (
    rf"(?P<names>{_PERSON}(?:(?:,\s*|\s+and\s+|,\s+and\s+){_PERSON})*)"
    r"(?!,?\s+(?:from|on|at|of)\s+your\b|,\s+your\b)"
)
_INTRODUCES = (
    re.compile(rf"\b(?:I've|I have)\s+got\s+{_PEOPLE}\s+(?:\w+\s+)?with\s+me\b"),
    re.compile(
        r"\b(?i:I've brought|I brought|I've roped in|roped in|looping in|loop in|looped in|"
        r"I'm joined by|joined by|(?:my|our) (?:colleague|teammate|co-worker)|"
        r"(?:I'm |I am |I've been )?adding)"
        rf"\s+(?i:(?:my|our) (?:colleague|teammate|co-worker)\s+)?{_PEOPLE}"
    ),
    re.compile(rf"(?<![\w'])(?P<names>{_PERSON})(?:,|'s|\s+is)\s+{_ROLE}"),
    re.compile(rf"\b{_ROLE},\s+(?P<names>{_PERSON})\b"),
)
# the side's own business: forecast, CRM, internal reviews, "stay on" after the customer left
INTERNAL = re.compile(
    r"\b(?:internal(?:ly)?|(?:on|from) our side|forecast|(?:the|our) opp|CRM|closed[- ]won|"
    r"rev ?ops|hand(?:over|off) doc|(?:file|open|log) a ticket|don't forward|before I send|"
    r"stay on(?: (?:a|one) sec(?:ond)?)?|before you drop)\b",
    re.IGNORECASE,
)
# a request whose beneficiary is the one asking: "can you add me to the invite?"
_FOR_THE_ASKER = re.compile(
    r"\b(?:can|could|would|will) you\b[^.?!]*\b(?:me|my)\b[^.!]*\?", re.IGNORECASE
)
_VOCATIVE_START = re.compile(rf"^(?:\w+,?\s+)?@?(?P<name>{_FIRST})(?:,|\s+[\u2014\u2013-])\s")
_VOCATIVE_END = re.compile(rf",\s+@?(?P<name>{_FIRST})[.!?]*$")
_AT_MENTION = re.compile(rf"@(?P<name>{_FIRST})\b")


def first_name(label: str | None) -> str:
    return (label or "").split()[0] if (label or "").split() else ""


def addressed(text: str) -> set[str]:
    """First names a sentence speaks to: "Lena, I'll ...", "... in your calendar, Freddie.",
    "@Theo can you ..." (callers keep those that name someone in the call)."""
    text = plain(text)
    names = {m["name"] for m in _AT_MENTION.finditer(text)}
    for pattern in (_VOCATIVE_START, _VOCATIVE_END):
        match = pattern.search(text)
        if match:
            names.add(match["name"])
    return names


def introduced(text: str) -> set[str]:
    """First names of the people a sentence introduces as the speaker's companions."""
    names: set[str] = set()
    matches = [m for pattern in _INTRODUCES for m in pattern.finditer(plain(text))]
    for match in matches:
        for person in re.split(r",\s*(?:and\s+)?|\s+and\s+", match["names"]):
            if person:
                names.add(person.split()[0])
    return names


def turns(sentences: Sequence[Sentence]) -> list[list[int]]:
    """Sentence indices grouped by segment (one speaker turn), in order."""
    grouped: list[list[int]] = []
    for index, sentence in enumerate(sentences):
        if grouped and sentences[grouped[-1][0]].segment == sentence.segment:
            grouped[-1].append(index)
        else:
            grouped.append([index])
    return grouped


def same_side_pairs(sentences: Sequence[Sentence]) -> list[tuple[str, str]]:
    """(speaker, other speaker) pairs the talk puts on one side: introductions, and internal
    requests addressed to someone by name."""
    labels = [s.speaker for s in sentences if s.speaker]
    by_first = _unique_first_names(labels)
    pairs: list[tuple[str, str]] = []
    for turn in turns(sentences):
        speaker = sentences[turn[0]].speaker
        if not speaker:
            continue
        said = " ".join(sentences[i].text for i in turn)
        names = set().union(*(introduced(sentences[i].text) for i in turn))
        if INTERNAL.search(plain(said)):
            names |= set().union(*(addressed(sentences[i].text) for i in turn))
        others = [by_first[n] for n in sorted(names) if by_first.get(n, speaker) != speaker]
        pairs += [(speaker, other) for other in others]
    return pairs


def internal_request_to(sentences: Sequence[Sentence], turn: list[int]) -> str | None:
    """The first name a turn asks to do something internal ("Tomasz, can you open a ticket
    with legal so they review it internally?") or something for the asker ("Victor, can you
    add me to the kickoff invite?"), if it does."""
    said = plain(" ".join(sentences[i].text for i in turn))
    if not (INTERNAL.search(said) or _FOR_THE_ASKER.search(said)):
        return None
    names = set().union(*(addressed(sentences[i].text) for i in turn))
    return min(names) if len(names) == 1 else None


# "Kofi will run the technical kickoff": a named seller-side colleague (names come from the call)
_NAMED_WILL = r"\b{name}\s+will\b(?!\s+(?:want|need|ask|be the one|probably|likely))"


def named_promise(colleagues: Sequence[str]) -> re.Pattern[str] | None:
    """ "Kofi will ..." for the first names of our side in `colleagues`, if any."""
    names = sorted({n for n in colleagues if n.isalpha() and n[0].isupper()})
    if not names:
        return None
    return re.compile(_NAMED_WILL.format(name="(?:" + "|".join(map(re.escape, names)) + ")"))


def _unique_first_names(labels: Iterable[str]) -> dict[str, str]:
    """First name -> the one speaker label with it (names shared by two labels are left out)."""
    seen: dict[str, set[str]] = {}
    for label in labels:
        seen.setdefault(first_name(label), set()).add(label)
    return {first: next(iter(found)) for first, found in seen.items() if first and len(found) == 1}
