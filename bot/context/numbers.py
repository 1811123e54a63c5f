"""Numbers as people say them on calls, which transcripts spell out: "forty-eight percent",
"a hundred and forty agents", "four point two jobs", and the ordinals of calendar days
("December eighteenth", "the twenty-second"). The patterns are plain regex text so that the
date and field rules can embed them; the value functions turn a matched phrase into a number.
"""

from __future__ import annotations

import re

_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINAL_UNITS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth",
)  # fmt: skip
_ORDINAL_TENS = {"twentieth": 20, "thirtieth": 30}

_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_DIGIT = "|".join(_UNITS[1:10])
_TEN = "|".join(_TENS)
# "forty-eight", "forty eight", "twelve", "a hundred and forty", "two hundred"
_BELOW_HUNDRED = rf"(?:(?:{_TEN})(?:[- ](?:{_DIGIT}))?\b|(?:{_UNIT})\b)"
CARDINAL = (
    rf"(?:(?:a|one|two|three|four|five|six|seven|eight|nine)\s+hundred"
    rf"(?:\s+(?:and\s+)?{_BELOW_HUNDRED})?|{_BELOW_HUNDRED})"
)
# "four point two"
SPOKEN_NUMBER = rf"(?:{CARDINAL}(?:\s+point\s+(?:{_UNIT})\b)?)"
_FIRST_NINE = "|".join(_ORDINAL_UNITS[:9])
DAY_ORDINAL = (
    rf"(?:(?:twenty|thirty)[- ]?(?:{_FIRST_NINE})|"
    + "|".join(sorted((*_ORDINAL_UNITS, *_ORDINAL_TENS), key=len, reverse=True))
    + r")\b"
)
_CARDINAL_RE = re.compile(rf"\b{SPOKEN_NUMBER}", re.IGNORECASE)


def cardinal_value(phrase: str) -> float | None:
    """ "forty-eight" -> 48, "a hundred and forty" -> 140, "four point two" -> 4.2."""
    words = re.findall(r"[a-z]+", phrase.lower())
    if not words:
        return None
    units = {w: n for n, w in enumerate(_UNITS)}
    tens = {w: 20 + 10 * n for n, w in enumerate(_TENS)}
    total, current, fraction = 0.0, 0.0, None
    for word in words:
        if fraction is not None:
            if word not in units:
                return None
            fraction = float(units[word])
        elif word in units:
            current += units[word]
        elif word in tens:
            current += tens[word]
        elif word == "a":
            current += 1
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "point":
            fraction = -1.0
        elif word != "and":
            return None
    total += current
    if fraction is not None and fraction >= 0:
        total += fraction / 10 ** len(str(int(fraction)))
    return total


def day_ordinal_value(phrase: str) -> int | None:
    """ "ninth" -> 9, "twenty-second" -> 22, "thirtieth" -> 30; None past 31 or if not one."""
    words = re.findall(r"[a-z]+", phrase.lower())
    if not words:
        return None
    value = 0
    for word in words:
        if word in _ORDINAL_TENS:
            value += _ORDINAL_TENS[word]
        elif word in _ORDINAL_UNITS:
            value += _ORDINAL_UNITS.index(word) + 1
        elif word in ("twenty", "thirty"):
            value += 20 if word == "twenty" else 30
        else:
            return None
    return value if 1 <= value <= 31 else None


def with_digits(text: str) -> str:
    """Spoken cardinals replaced by digits ("eleven days" -> "11 days"); everything else kept."""

    def digits(match: re.Match[str]) -> str:
        value = cardinal_value(match.group(0))
        if value is None:
            return match.group(0)
        return str(int(value)) if value == int(value) else str(value)

    return _CARDINAL_RE.sub(digits, text)
