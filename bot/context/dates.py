"""Find the dates people say on calls and resolve them against the call's date.

Our own rules handle the phrases dateparser does not resolve the way a deadline means them
(quarters, "end of next week", "early March", "within 30 days"); dateparser handles explicit
calendar dates and weekdays ("January 15", "Nov 20", "1/15", "Friday"). Each phrase is found
by a pattern first and only that phrase is given to dateparser: searching whole sentences with
dateparser turns words like "may" or "second" into dates.

Conventions (deadline semantics: the last day the phrase still covers):
- quarters are calendar quarters (Q1 = Jan-Mar); "end of Q1" is the next Q1 end not yet past;
  "start of Q2" = its first day, "early Q2" = the end of its first month, "mid Q2" = the 15th
  of its middle month;
- "end of / late <month>" = its last day, "mid <month>" = the 15th, "early <month>" = the 10th,
  "start / beginning of <month>" = the 1st, "in <month>" = its last day; a month name without a
  year is the next such month (this month counts);
- "end of week" / "this week" = this week's Friday; "next week" / "end of next week" = next
  week's Friday; a weekday = its next occurrence after the call date, "next <weekday>" = that
  day in the following week ("next Wednesday" said on a Tuesday is eight days later);
- "within N days|weeks|months" = call date + N (business days skip weekends, not holidays);
  "within N days of signature" (any other event) is unknown: value None;
- a date after "from / since / last" is a past reference, and a date inside an "if ..." clause is
  a condition on the customer; both are flagged so they are not used as deadlines.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser  # type: ignore[import-untyped]  # ships no type information

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAYS = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45, "sixty": 60, "ninety": 90,
    "a couple of": 2, "a couple": 2,
}  # fmt: skip
_NUM = (
    r"(?P<n>\d{1,3}|a couple(?: of)?|forty-five|"
    + "|".join(k for k in _NUMBER_WORDS if " " not in k and k != "forty-five")
    + ")"
)
_UNIT = r"(?P<biz>business\s+|working\s+)?(?P<unit>hours?|days?|weeks?|months?)"
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_POSITION = r"(?P<pos>end|close|start|beginning|middle|mid|early|late)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "event",
            rf"\b(?:within|in)\s+{_NUM}\s+{_UNIT}\s+(?:of|after|from)\s+(?!today|now\b)"
            r"(?:the\s+|your\s+|our\s+)?\w+",
        ),
        ("span", rf"\b(?:within|in|inside(?:\s+of)?)\s+{_NUM}\s+{_UNIT}(?:\s+or\s+so)?"),
        ("from_today", rf"\b{_NUM}\s+{_UNIT}\s+from\s+(?:today|now)"),
        (
            "quarter",
            rf"\b{_POSITION}\s+of\s+(?:the\s+)?(?:Q(?P<q>[1-4])|(?P<ord>first|second|"
            r"third|fourth)\s+quarter|(?P<rel>this|next|the)\s+quarter)(?:\s+(?P<y>20\d\d))?",
        ),
        ("bare_quarter", r"\b(?:by|before|in|for)\s+Q(?P<q>[1-4])(?:\s+(?P<y>20\d\d))?\b"),
        (
            "year",
            r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<rel>this|next|the)?\s*(?:fiscal\s+)?"
            r"year|year[- ]end|EOY)\b",
        ),
        ("rel_month", rf"\b{_POSITION}\s+of\s+(?:the\s+)?(?P<rel>this|next|the)\s+month"),
        ("month_part", rf"\b{_POSITION}(?:\s+of\s+|-|\s+)(?P<m>{_MONTHS})\b(?:\s+(?P<y>20\d\d))?"),
        ("in_month", rf"\bin\s+(?P<m>{_MONTHS})\b(?!\s+\d)(?:\s+(?P<y>20\d\d))?"),
        ("next_week", r"\b(?:(?:the\s+)?end\s+of\s+)?next\s+week\b"),
        ("this_week", r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week|this\s+week|EOW)\b"),
        ("tomorrow", r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?day\s+)?tomorrow\b"),
        ("today", r"\b(?:today|tonight|(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?day|EOD|COB)\b"),
        (
            "explicit",
            rf"\b(?:{_WEEKDAYS},?\s+)?(?:{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?"
            rf"(?:,?\s+20\d\d)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?:,?\s+20\d\d)?"
            r"|\d{1,2}/\d{1,2}(?:/(?:20)?\d\d)?)\b",
        ),
        ("day_of_month", r"\bthe\s+\d{1,2}(?:st|nd|rd|th)\b"),
        ("weekday", rf"\b(?:next\s+|this\s+)?{_WEEKDAYS}\b"),
    )
)
_PAST = re.compile(r"\b(?:from|since|last|dated)\s+(?:the\s+|on\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    phrase: str
    value: date | None  # None: relative to an event we cannot date ("of signature")
    start: int
    end: int
    past: bool = False  # "my email from Nov 20"
    condition: bool = False  # "if you sign by November 20"

    @property
    def usable(self) -> bool:
        """Can this mention serve as a deadline?"""
        return self.value is not None and not self.past and not self.condition


def find_dates(text: str, *, base: date) -> list[DateMention]:
    """Every date phrase in `text`, left to right; earlier patterns win overlapping spans."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            if re.search(r"\b(?:every|each)\s+$", text[: match.start()], re.IGNORECASE):
                continue  # "every Friday" recurs; it is not a deadline
            value = _resolve(name, match, base=base)
            if name != "event" and value is None:
                continue
            taken.append((match.start(), match.end()))
            found.append(_mention(text, match, value))
    return sorted(found, key=lambda m: m.start)


def resolve_phrase(phrase: str, *, base: date) -> date | None:
    """The first date in `phrase` ("by end of Q1", "January 15") or None."""
    mentions = find_dates(phrase, base=base)
    return mentions[0].value if mentions else None


def _mention(text: str, match: re.Match[str], value: date | None) -> DateMention:
    before = text[max(0, match.start() - 300) : match.start()]  # bounded: hostile inputs
    clause = re.split(r"[,.;:!?]|\bthen\b|\bso\b", before)[-1]
    return DateMention(
        phrase=match.group(0),
        value=value,
        start=match.start(),
        end=match.end(),
        past=bool(_PAST.search(before[-20:])),
        condition=bool(re.search(r"\b(?:if|once|unless|assuming)\b", clause, re.IGNORECASE)),
    )


def _resolve(name: str, match: re.Match[str], *, base: date) -> date | None:
    groups = match.groupdict()
    if name == "event":
        return None
    if name in ("span", "from_today"):
        return _add_span(base, _count(groups["n"]), groups["unit"], business=bool(groups["biz"]))
    if name in ("quarter", "bare_quarter"):
        return _quarter(base, groups, position=groups.get("pos") or "end")
    if name == "year":
        year = base.year + 1 if (groups.get("rel") or "").lower() == "next" else base.year
        return date(year, 12, 31)
    if name == "rel_month":
        year, month = base.year, base.month
        if groups["rel"].lower() == "next":
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return _in_month(year, month, groups["pos"])
    if name in ("month_part", "in_month"):
        month = _month_number(groups["m"])
        year = int(groups["y"]) if groups.get("y") else _next_year_for(base, month)
        return _in_month(year, month, groups.get("pos") or "end")
    if name == "next_week":
        return _friday(base) + timedelta(days=7)
    if name == "this_week":
        return max(_friday(base), base)
    if name == "tomorrow":
        return base + timedelta(days=1)
    if name == "today":
        return base
    if name == "weekday":
        return _weekday(match.group(0), base=base)
    return _explicit(match.group(0), base=base)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _add_span(base: date, n: int, unit: str, *, business: bool) -> date:
    unit = unit.lower().rstrip("s")
    if unit == "hour":
        return base + timedelta(days=-(-n // 24))
    if unit == "week":
        return base + timedelta(weeks=n)
    if unit == "month":
        month_index = base.month - 1 + n
        year, month = base.year + month_index // 12, month_index % 12 + 1
        return date(year, month, min(base.day, calendar.monthrange(year, month)[1]))
    if not business:
        return base + timedelta(days=n)
    day = base
    while n > 0:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def _quarter(base: date, groups: dict[str, str | None], *, position: str) -> date:
    current = (base.month - 1) // 3 + 1
    rel = (groups.get("rel") or "").lower()
    said, ordinal = groups.get("q"), groups.get("ord")
    if said or ordinal:
        quarter = int(said) if said else _ORDINAL[(ordinal or "").lower()]
        year = base.year if quarter >= current else base.year + 1
    else:
        quarter, year = (current + 1, base.year) if rel == "next" else (current, base.year)
        if quarter == 5:
            quarter, year = 1, year + 1
    said_year = groups.get("y")
    if said_year:
        year = int(said_year)
    first_month = 3 * quarter - 2
    position = position.lower()
    if position in ("start", "beginning"):
        return date(year, first_month, 1)
    if position in ("mid", "middle"):
        return date(year, first_month + 1, 15)
    if position == "early":
        return date(year, first_month, calendar.monthrange(year, first_month)[1])
    return _in_month(year, first_month + 2, "end")


def _in_month(year: int, month: int, position: str) -> date:
    last = calendar.monthrange(year, month)[1]
    day = {"start": 1, "beginning": 1, "early": 10, "mid": 15, "middle": 15}.get(
        position.lower(), last
    )
    return date(year, month, day)


def _month_number(name: str) -> int:
    key = name[:3].title()
    return list(calendar.month_abbr).index(key)


def _next_year_for(base: date, month: int) -> int:
    return base.year if month >= base.month else base.year + 1


def _friday(base: date) -> date:
    return base + timedelta(days=4 - base.weekday())


def _weekday(phrase: str, *, base: date) -> date | None:
    words = phrase.lower().split()
    parsed = _dateparse(words[-1], base=base)
    if parsed is None:
        return None
    if words[0] == "next":  # "next Wednesday" said on a Tuesday is the week after's
        monday_next_week = base + timedelta(days=7 - base.weekday())
        return monday_next_week + timedelta(days=parsed.weekday())
    if parsed <= base:  # "Friday" said on a Friday means next week's
        parsed += timedelta(days=7)
    return parsed


def _explicit(phrase: str, *, base: date) -> date | None:
    numeric = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/\d{2,4})?", phrase)
    if numeric and (int(numeric.group(1)) > 12 or int(numeric.group(2)) > 31):
        return None  # "24/7" is not a date
    cleaned = re.sub(rf"^{_WEEKDAYS},?\s+", "", phrase, flags=re.IGNORECASE)
    cleaned = re.sub(r"^the\s+", "", cleaned, flags=re.IGNORECASE)
    parsed = _dateparse(cleaned, base=base)
    if parsed is None:
        return None
    said_year = re.search(r"20\d\d|/\d\d$", cleaned)
    # dateparser's "future" moves today's month/day a year ahead; today is still upcoming.
    if not said_year and parsed.replace(year=base.year) == base:
        return base
    return parsed


def _dateparse(phrase: str, *, base: date) -> date | None:
    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "MDY",  # US-style 1/15; the calls we read are mostly US
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if isinstance(parsed, datetime) else None
