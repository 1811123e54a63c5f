"""Stakeholders: named speakers, plus people introduced in a way that ties them to the deal.

A name alone is not enough (calls mention ex-colleagues, other vendors' reps, family pets). A
person is kept when they speak under their own name, or when a sentence ties a name to the
deal by one of these shapes, each with a side:
- a self-introduction: "I'm Leah Moreno, I'll be your CSM", "Lucas Brandt, security analyst";
- a title next to a name: "our CFO, Priya Natarajan", "Aisha Khan, she's our solutions
  engineer", "Linda Park is the HR director", "Tom Okafor (senior accountant)";
- an introduction or list: "looping in Dana Whitfield", "I've brought Ethan Brooks",
  "Attendees: Linda Park, Marco Bianchi, and Priyanka Rao".
A bare first name needs a title ("Victor, our VP of Operations"). Sentences that say the
person is not confirmed or not involved are skipped. Side: an email domain (with hints), else
the speaker's own side for "our / my / I've brought", else the other side for a seller
describing someone ("Linda Park is the HR director" said by the AE), seller-only titles (CSM,
account executive) excepted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.context.model import Side, Stakeholder
from bot.context.sentences import Sentence
from bot.context.sides import EMAIL, SELLER_TITLES, Hints, is_person_label

# A capitalised word; "O'Brien" and "Smith-Jones" yes, the possessive "Liu's" no.
_UP, _LOW = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"  # "Tomás Arias", "Fernández" are names too
_WORD = rf"[{_UP}][{_LOW}]+(?:-[{_UP}]?[{_LOW}]+|'[{_UP}][{_LOW}]+)?"
NAME = rf"(?:(?:Dr|Mr|Ms|Mrs)\.\s+{_WORD}|{_WORD}(?:\s+{_WORD}){{1,2}})"
_FIRST = rf"(?:{_WORD})"
_ACRONYM = r"(?:CEO|CFO|COO|CTO|CIO|CISO|CRO|CMO|CMIO|CNO|CPO|CHRO|CSM|GM)"
_HEAD = (
    r"(?i:director|manager|controller|accountant|analyst|engineer|consultant|architect|"
    r"executive|officer|lead|specialist|administrator|admin|counsel|president|coordinator|founder|"
    r"supervisor|owner|chancellor|dean|provost|superintendent|treasurer|registrar)"
)
_MOD = r"(?:[A-Za-z][\w&/-]*)"
TITLE = (
    rf"(?:(?i:VP|vice president|head|director|manager)\s+(?:of|for)\s+{_MOD}(?:\s+(?!and\b){_MOD})?"
    rf"|{_ACRONYM}\b|(?:{_MOD}\s+){{0,3}}{_HEAD}\b)"
)
_NOT_MODIFIERS = {
    "i", "we", "you", "he", "she", "they", "it", "is", "am", "are", "was", "will", "be", "and",
    "or", "to", "at", "in", "on", "from", "with", "who", "that", "this", "so", "here", "there",
    "i'm", "he's", "she's", "who's", "also", "just", "basically", "really",
}  # fmt: skip
_DETERMINERS = {"the", "a", "an", "our", "their", "your", "my", "new", "his", "her"}
_SELLER_TITLES = re.compile(rf"\b{SELLER_TITLES}\b", re.IGNORECASE)
_LINK_WORD = r"(?:he's|she's|who's|who'll be|who is|is|I'm|I'll be)"
_LINK = rf"(?:,\s*(?:{_LINK_WORD}\s+)?|\s+{_LINK_WORD}\s+)"
_OWN = r"(?i:our|my|their|your|the)"
_PATTERNS = (
    # self-introduction: "I'm Rachel Kim, I'm an account executive", "Hi, Tom Okafor, ..."
    (
        "self",
        re.compile(
            rf"(?:\b(?:I'm|I am|this is|my name is)\s+|^(?:\w+[,.!]\s+)?)"
            rf"(?P<name>{NAME}|{_FIRST})(?=[,.]|\s+here\b)"
        ),
    ),
    (
        "title_first",
        re.compile(
            rf"\b(?P<own>{_OWN})\s+(?P<title>{TITLE}|\w+\s+team),?\s+"
            rf"(?:that's\s+|is\s+)?(?P<name>{NAME})"
        ),
    ),
    (
        "name_title",
        re.compile(
            rf"(?P<name>{NAME}|{_FIRST}){_LINK}(?:(?P<own>{_OWN}|an?)\s+)?"
            rf"(?:new\s+)?(?P<title>{TITLE})"
        ),
    ),
    # "Jordan Blake's our CRO": the contraction, never the possessive "Jordan Blake's CRO"
    (
        "contracted",
        re.compile(rf"(?P<name>{NAME})['’]s\s+(?P<own>{_OWN}|an?)\s+(?:new\s+)?(?P<title>{TITLE})"),
    ),
    (
        "paren",
        re.compile(
            rf"(?P<name>{NAME})\s+\((?:(?P<own>their|our)\s+)?(?:new\s+)?"
            rf"(?P<title>{TITLE})?"
        ),
    ),
    (
        "intro",
        re.compile(
            rf"\b(?P<own>looping in|loop in|I've brought|brought in|bring|adding|"
            rf"cc'ing|introduce you to)\s+(?:our\s+\w+(?:\s+\w+)?,\s+)?(?P<name>{NAME})"
        ),
    ),
)
_LISTED = rf"{NAME}(?:\s*\([^()]{{0,120}}\))?"
_LIST = re.compile(rf"\b(?i:attendees|contacts are|on the call were|joined by)\s*:?\s+(?P<names>"
                   rf"{_LISTED}(?:(?:,\s*(?:and\s+)?|\s+and\s+){_LISTED})*)")  # fmt: skip
_SKIP = re.compile(
    r"\b(?:can't confirm|cannot confirm|not confirmed|not involved|TBD|used to|former|"
    r"left the company|my old company|previous company|at my last)\b",
    re.IGNORECASE,
)
_SELF_TITLE = re.compile(rf"\bI'm\s+(?:the\s+|an?\s+|your\s+)?(?P<title>{TITLE})|^(?:So\s+)?"
                         rf"I'm\s+(?P<title2>{TITLE})")  # fmt: skip
# Capitalised words that start sentences or sit before names but are never part of one.
_NON_NAMES = {
    "Hi", "Hey", "Hello", "Thanks", "Thank", "Yes", "Yep", "Okay", "So", "And", "But", "Great",
    "Sure", "Our", "Your", "Their", "My", "The", "This", "That", "Probably", "Maybe", "Most",
    "Likely", "Honestly", "Also", "Oh", "Just", "Looping", "Attendees", "Dear", "Perfect",
    "Well", "Alright", "Right", "Wait", "Recording", "Kickoff", "Please", "Welcome", "Meet",
    "Ask", "Copy", "Send", "Then", "Now", "When", "If", "For", "With", "From", "Both",
}  # fmt: skip


def clean_name(raw: str) -> str | None:
    """Drop leading non-name words ("Probably Aisha Khan") and an honorific before a full name
    ("Dr Sunil Varma"; "Dr. Hollis" keeps it); None if non-name words remain inside."""
    words = raw.split()
    while words and words[0] in _NON_NAMES:
        words = words[1:]
    if len(words) > 2 and words[0].rstrip(".") in ("Dr", "Mr", "Ms", "Mrs", "Prof"):
        words = words[1:]
    if not words or any(w in _NON_NAMES for w in words):
        return None
    return " ".join(words)


@dataclass(frozen=True)
class _Found:
    name: str
    title: str | None
    side: Side
    quote: str
    speaker: str | None
    at: str | None
    email: str | None = None


def _acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()  # "IT" the department is not "it" the pronoun


def clean_title(raw: str | None) -> str | None:
    """Drop determiners and non-title words the pattern let in; None if nothing is left."""
    if not raw:
        return None
    words = raw.split()
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    if words and words[-1].lower() == "team":
        return None  # "our legal team, that's Carla" names a person, not her title
    if not words or any(w.lower() in _NOT_MODIFIERS and not _acronym(w) for w in words):
        return None
    return " ".join(words)


def find_stakeholders(
    sentences: Sequence[Sentence], *, sides: dict[str, Side], hints: Hints
) -> list[Stakeholder]:
    found: list[_Found] = []
    for sentence in sentences:
        if sentence.speaker and is_person_label(sentence.speaker):
            found.append(_speaker_entry(sentence, sides))
        if _SKIP.search(sentence.text):
            continue
        found += _mentions(sentence, sides=sides)
    emails = [(e, s) for s in sentences for e in EMAIL.findall(s.text)]
    return _merge(found, emails=emails, hints=hints, sides=sides)


def _speaker_entry(sentence: Sentence, sides: dict[str, Side]) -> _Found:
    speaker = sentence.speaker or ""
    match = _SELF_TITLE.search(sentence.text)
    title = clean_title((match["title"] or match["title2"]) if match else None)
    side = sides.get(speaker, "customer")
    return _Found(speaker, title, side, sentence.text, speaker, sentence.at)


def _mentions(sentence: Sentence, *, sides: dict[str, Side]) -> list[_Found]:
    speaker_side: Side = sides.get(sentence.speaker or "", "customer")
    found: list[_Found] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence.text):
            name = clean_name(match["name"]) or ""
            groups = match.groupdict()
            if not name:
                continue
            before = sentence.text[: match.start()]
            if re.search(r"\b(?:at|from|(?:I'm|I am|we're|we are) (?:with|for))\s+$", before):
                continue  # "here at Pinecrest Outdoor, director of CX" names a company
            if " " not in name and re.search(r"\b(?:for|in|of|across|the)\s+$", before, re.I):
                continue  # "HR ops for Halvorsen, director", "sales for the East, VP": a place
            if re.match(r"\s+(?:there|back then)\b", sentence.text[match.end() :]):
                continue  # "Greg, our admin there": someone at another place
            title = clean_title(groups.get("title"))
            if " " not in name and title is None and kind != "self":
                continue
            side = _side_for(kind, groups.get("own"), title, speaker_side)
            if kind == "self" and sentence.speaker and is_person_label(sentence.speaker):
                if not sentence.speaker.split()[0].startswith(name.split()[0]):
                    continue  # "Hi Kofi, ..." addresses someone else; not an introduction
            elif kind == "self" and " " not in name:
                continue
            found.append(_Found(name, title, side, sentence.text, sentence.speaker, sentence.at))
    for match in _LIST.finditer(sentence.text):
        for raw in re.findall(NAME, re.sub(r"\([^()]*\)", "", match["names"])):
            listed = clean_name(raw)
            if listed:
                side = _side_for("list", None, None, speaker_side)
                found.append(
                    _Found(listed, None, side, sentence.text, sentence.speaker, sentence.at)
                )
    return found


def _side_for(kind: str, own: str | None, title: str | None, speaker_side: Side) -> Side:
    other: Side = "customer" if speaker_side == "seller" else "seller"
    owner = (own or "").lower()
    if title and _SELLER_TITLES.search(title):
        return "seller"
    if kind in ("self", "intro") or owner in ("our", "my"):
        return speaker_side
    if owner in ("their", "your"):
        return other
    # "Linda Park is the HR director" said by the AE describes the customer's people
    return "customer" if speaker_side == "seller" else speaker_side


def _merge(
    found: list[_Found],
    *,
    emails: list[tuple[str, Sentence]],
    hints: Hints,
    sides: dict[str, Side],
) -> list[Stakeholder]:
    """One entry per person: "Priya" folds into "Priya Natarajan", "Sam Reyes" into "Samuel
    Reyes"; first title/email wins."""
    people: dict[str, _Found] = {}
    for item in found:
        key = _key_for(item.name, people)
        current = people.get(key)
        if current is None:
            people[key] = item
            continue
        better_quote = current.title is None and item.title is not None
        people[key] = replace(
            current,
            name=max(current.name, item.name, key=lambda n: len(n.split())),
            title=current.title or item.title,
            quote=item.quote if better_quote else current.quote,
        )
    result: list[Stakeholder] = []
    for item in people.values():
        if " " not in item.name and item.title is None and item.speaker != item.name:
            continue  # a bare first name with no title is not enough
        email = _email_for(item.name, emails)
        # an email domain is the best evidence, then how the person spoke, then the mention
        side = (hints.email_side(email) if email else None) or sides.get(item.name, item.side)
        result.append(
            Stakeholder(item.name, item.title, email, side, item.quote, item.speaker, item.at)
        )
    return result


def _key_for(name: str, people: dict[str, _Found]) -> str:
    """The entry `name` belongs to: the same name, a first name alone, or a short form of the
    first name with the same surname ("Sam Reyes" is "Samuel Reyes")."""
    first, last = name.split()[0].lower(), name.split()[-1].lower()
    for key in people:
        if key.lower() == name.lower():
            return key
        key_first, key_last = key.split()[0].lower(), key.split()[-1].lower()
        if key_first == first and (" " not in key or " " not in name):
            return key
        short, long = sorted((first, key_first), key=len)
        same_surname = " " in key and " " in name and key_last == last
        if same_surname and len(short) > 2 and long.startswith(short):
            return key
    return name


def _email_for(name: str, emails: list[tuple[str, Sentence]]) -> str | None:
    """An email whose local part spells the name (raj.mehta@, lpark@), or a first name alone
    (dana@) when the person said it or is named in the same sentence."""
    parts = [p.lower() for p in re.findall(r"[A-Za-z]+", name) if p.lower() not in ("dr", "mr")]
    if not parts:
        return None
    first, last = parts[0], parts[-1]
    shapes = {f"{first}.{last}", f"{first}_{last}", f"{first}{last}", f"{first[0]}{last}"}
    for email, sentence in emails:
        local = email.split("@")[0].lower()
        if len(parts) > 1 and local in shapes:
            return email
        if local == first and (sentence.speaker == name or name in sentence.text):
            return email
    return None
