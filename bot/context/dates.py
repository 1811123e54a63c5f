"""Find the dates people say on calls and resolve them against the call's date.

Our own rules handle the phrases dateparser does not resolve the way a deadline means them
(quarters, "end of next week", "early March", "within 30 days", days said as spoken ordinals:
"December eighteenth", "Monday the sixth", "by the ninth"); dateparser handles explicit calendar
dates and weekdays ("January 15", "Nov 20", "1/15", "Friday"). The arithmetic is datemath.py's.
Each phrase is found by a pattern first and only that phrase is given to dateparser: searching
whole sentences with dateparser turns words like "may" or "second" into dates.

Conventions (deadline semantics: the last day the phrase still covers):
- quarters are calendar quarters (Q1 = Jan-Mar); "end of Q1" is the next Q1 end not yet past;
  "start of Q2" = its first day, "early Q2" = the end of its first month, "mid Q2" = the 15th
  of its middle month;
- "end of / late <month>" = its last day, "mid <month>" = the 15th, "early <month>" = the 10th,
  "start / beginning of <month>" = the 1st, "in <month>" = its last day; a month name without a
  year is the next such month (this month counts);
- a day of the month without a month ("by the 20th", "by the ninth") is the next such day, this
  month's if still ahead; "Monday the sixth" is the first sixth in the next months that is a
  Monday (the number wins if none is); a spoken ordinal alone ("the ninth") needs a deadline
  word before it ("by / on / before / until / through") and no noun after ("the second phase");
- "end of day Friday" / "EOD Friday" = that Friday, "end of day" alone, "tonight", "this
  afternoon" (Australian "this arvo") = the call's date;
- "the year ends" / "end of the year" = December 31; fiscal phrases ("end of the fiscal year",
  "fiscal Q2", "FYE") use the fiscal year the call states ("our fiscal year starts July 1",
  see `fiscal_start_month`); without one they are unknown (value None), never the calendar's;
- "end of week" / "this week" = this week's Friday; "next week" / "end of next week" = next
  week's Friday; a weekday = its next occurrence after the call date, "next <weekday>" = that
  day in the following week ("next Wednesday" said on a Tuesday is eight days later);
- "within N days|weeks|months" = call date + N (business days skip weekends, not holidays);
  "within N days of signature" (any other event) is unknown: value None;
- a date after "from / since / last" is a past reference, and a date inside an "if ..." clause is
  a condition on the customer; both are flagged so they are not used as deadlines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.context.datemath import (
    WEEKDAYS,
    add_span,
    day_of_month_date,
    explicit_date,
    fiscal_date,
    friday,
    month_date,
    month_number,
    next_year_for,
    quarter_date,
    spoken_day,
    weekday_date,
)
from bot.context.numbers import CARDINAL, DAY_ORDINAL, cardinal_value

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_NUM = rf"(?P<n>\d{{1,3}}|a couple(?: of)?|{CARDINAL}|an?)"
_UNIT = r"(?P<biz>business\s+|working\s+)?(?P<unit>hours?|days?|weeks?|months?)"
_POSITION = r"(?P<pos>end|close|start|beginning|middle|mid|early|late)"
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{DAY_ORDINAL})"
_YEAR = r"(?:,?\s+20\d\d)?"
_EOD = r"(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?:business\s+)?day|EOD|COB|close\s+of\s+business)"

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
            "fiscal",  # a bare "fiscal year" is a date only after "end of"
            rf"\b(?:{_POSITION}\s+of\s+(?:the\s+|our\s+|their\s+|this\s+)?)?(?P<rel>next\s+)?"
            r"(?:fiscal\s+Q(?P<q>[1-4])|FQ(?P<q2>[1-4])|fiscal[- ]year[- ](?:end|ends)|FYE"
            r"|(?(pos)fiscal(?:\s+year)?|(?!)))\b",
        ),
        (
            "quarter",
            rf"\b{_POSITION}\s+of\s+(?:the\s+)?(?:Q(?P<q>[1-4])|(?P<ord>first|second|"
            r"third|fourth)\s+quarter|(?P<rel>this|next|the)\s+quarter)(?:\s+(?P<y>20\d\d))?",
        ),
        ("bare_quarter", r"\b(?:by|before|in|for)\s+Q(?P<q>[1-4])(?:\s+(?P<y>20\d\d))?\b"),
        (
            "year",
            r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<rel>this|next|the)?\s*(?:calendar\s+)?"
            r"year|year[- ]end|EOY|(?:the|this)\s+year\s+ends)\b",
        ),
        ("rel_month", rf"\b{_POSITION}\s+of\s+(?:the\s+)?(?P<rel>this|next|the)\s+month"),
        ("month_part", rf"\b{_POSITION}(?:\s+of\s+|-|\s+)(?P<m>{_MONTHS})\b(?:\s+(?P<y>20\d\d))?"),
        (
            "in_month",
            rf"\bin\s+(?P<m>{_MONTHS})\b(?!\s+(?:\d|the\s|{DAY_ORDINAL}))(?:\s+(?P<y>20\d\d))?",
        ),
        ("next_week", r"\b(?:(?:the\s+)?end\s+of\s+)?next\s+week\b"),
        ("this_week", r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week|this\s+week|EOW)\b"),
        ("tomorrow", rf"\b(?:(?:by\s+)?{_EOD}\s+)?tomorrow\b"),
        ("eod_weekday", rf"\b{_EOD}\s+(?:on\s+)?(?P<wd>(?:next\s+|this\s+)?{WEEKDAYS})\b"),
        (
            "today",
            rf"\b(?:today|tonight|this\s+(?:afternoon|arvo|morning|evening)|later\s+today|"
            rf"(?:by\s+)?{_EOD}(?!\s+(?:on\s+)?(?:{_MONTHS}\b|the\s+\d)))",
        ),
        ("weekday_day", rf"\b(?P<wd>{WEEKDAYS}),?\s+the\s+(?P<d>{_DAY})"),
        (
            "explicit",
            rf"\b(?:{WEEKDAYS},?\s+)?(?:(?P<m>{_MONTHS})\.?\s+(?:the\s+)?{_DAY}{_YEAR}"
            rf"|(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<m2>{_MONTHS}){_YEAR}"
            r"|\d{1,2}/\d{1,2}(?:/(?:20)?\d\d)?)\b",
        ),
        ("day_of_month", r"\bthe\s+(?P<d>\d{1,2}(?:st|nd|rd|th))\b"),
        ("day_word", rf"\bthe\s+(?P<d>{DAY_ORDINAL})"),
        ("weekday", rf"\b(?:next\s+|this\s+)?{WEEKDAYS}\b"),
    )
)
_UNKNOWABLE = {"event", "fiscal"}  # kept with value None: they make a deadline unknown
_PAST = re.compile(r"\b(?:from|since|last|dated)\s+(?:the\s+|on\s+)?$", re.IGNORECASE)
_DEADLINE_BEFORE = re.compile(r"\b(?:by|on|before|until|till|thru|through)\s+$", re.IGNORECASE)
# after "the ninth": the end of the phrase, not a noun ("the second phase", "the first year")
_ORDINAL_AFTER = re.compile(r"^(?:\s*(?:[,.;:!?)\u2014\u2013-]|$)|\s+(?:and|or|so|at|if|then|"
                            r"when|which|that|is|works|please|for|in|to|with)\b)")  # fmt: skip
_FISCAL_START = re.compile(
    rf"\bfiscal\s+year\s+(?:(?P<verb>starts|begins|ends)\s+(?:on\s+|in\s+)?(?:the\s+{_DAY}"
    rf"\s+of\s+)?(?P<m>{_MONTHS})\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    phrase: str
    value: date | None  # None: relative to an event or calendar we cannot date
    start: int
    end: int
    past: bool = False  # "my email from Nov 20"
    condition: bool = False  # "if you sign by November 20"

    @property
    def usable(self) -> bool:
        """Can this mention serve as a deadline?"""
        return self.value is not None and not self.past and not self.condition


def fiscal_start_month(texts: Iterable[str]) -> int | None:
    """The month a customer's fiscal year starts, when the call says it: "our fiscal year
    starts July 1" -> 7, "our fiscal year ends in June" -> 7."""
    for text in texts:
        match = _FISCAL_START.search(text)
        if match and not (match["m"].lower() in ("may", "march") and match["m"].islower()):
            month = month_number(match["m"])
            return month % 12 + 1 if match["verb"].lower() == "ends" else month
    return None


def find_dates(text: str, *, base: date, fiscal_start: int | None = None) -> list[DateMention]:
    """Every date phrase in `text`, left to right; earlier patterns win overlapping spans.
    `fiscal_start`: the month the customer's fiscal year starts, if the call said it."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            if re.search(r"\b(?:every|each)\s+$", text[: match.start()], re.IGNORECASE):
                continue  # "every Friday" recurs; it is not a deadline
            if not _plausible(name, match, text):
                continue
            value = _resolve(name, match, base=base, fiscal_start=fiscal_start)
            if name not in _UNKNOWABLE and value is None:
                continue
            taken.append((match.start(), match.end()))
            found.append(_mention(text, match, value))
    return sorted(found, key=lambda m: m.start)


# what follows a date someone proposed when the other side takes it: "End of Q1 works."
_TAKES_DATE = re.compile(
    r"^\s*(?:'s|is)?\s*(?:(?:very|totally|definitely|absolutely)\s+)?(?:works|it is|is fine|"
    r"fine|good|doable|achievable|we can (?:hit|do|make|meet))\b",
    re.IGNORECASE,
)


def taken_date(text: str, *, base: date, fiscal_start: int | None = None) -> date | None:
    """The date a sentence opens with and accepts: "End of Q1 works.", "The 28th's good.",
    "January 26th we can hit." (None when it does not)."""
    mentions = find_dates(text, base=base, fiscal_start=fiscal_start)
    if not mentions or len(text[: mentions[0].start].split()) > 2 or not mentions[0].usable:
        return None
    return mentions[0].value if _TAKES_DATE.match(text[mentions[0].end :]) else None


def resolve_phrase(phrase: str, *, base: date, fiscal_start: int | None = None) -> date | None:
    """The first date in `phrase` ("by end of Q1", "January 15") or None."""
    mentions = find_dates(phrase, base=base, fiscal_start=fiscal_start)
    return mentions[0].value if mentions else None


def _plausible(name: str, match: re.Match[str], text: str) -> bool:
    """Words that are dates only in context: "may" / "march" the verbs, "the second" the
    ordinal."""
    groups = match.groupdict()
    month = groups.get("m") or groups.get("m2") or ""
    if month.lower() in ("may", "march") and month.islower():
        return False
    if name == "day_word":
        return bool(
            _DEADLINE_BEFORE.search(text[: match.start()])
            and _ORDINAL_AFTER.search(text[match.end() :])
        )
    return True


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


def _resolve(
    name: str, match: re.Match[str], *, base: date, fiscal_start: int | None
) -> date | None:
    groups = match.groupdict()
    if name == "event":
        return None
    if name in ("span", "from_today"):
        return add_span(base, _count(groups["n"]), groups["unit"], business=bool(groups["biz"]))
    if name == "fiscal":
        if fiscal_start is None:
            return None
        quarter = groups.get("q") or groups.get("q2")
        if (groups.get("pos") or "end").lower() not in ("end", "close"):
            return None  # "start of fiscal Q2": a start, not a deadline we resolve
        return fiscal_date(
            base,
            start_month=fiscal_start,
            quarter=int(quarter) if quarter else None,
            years_ahead=1 if groups.get("rel") else 0,
        )
    if name in ("quarter", "bare_quarter"):
        return quarter_date(base, groups, position=groups.get("pos") or "end")
    if name == "year":
        year = base.year + 1 if (groups.get("rel") or "").lower() == "next" else base.year
        return date(year, 12, 31)
    if name == "rel_month":
        year, month = base.year, base.month
        if groups["rel"].lower() == "next":
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return month_date(year, month, groups["pos"])
    if name in ("month_part", "in_month"):
        month = month_number(groups["m"])
        year = int(groups["y"]) if groups.get("y") else next_year_for(base, month)
        return month_date(year, month, groups.get("pos") or "end")
    if name == "next_week":
        return friday(base) + timedelta(days=7)
    if name == "this_week":
        return max(friday(base), base)
    if name == "tomorrow":
        return base + timedelta(days=1)
    if name == "today":
        return base
    if name in ("weekday", "eod_weekday"):
        return weekday_date(groups.get("wd") or match.group(0), base=base)
    if name in ("weekday_day", "day_of_month", "day_word"):
        day = spoken_day(groups["d"])
        return day_of_month_date(day, base=base, weekday=groups.get("wd")) if day else None
    return explicit_date(match.group(0), base=base)


def _count(word: str) -> int:
    if word.isdigit():
        return int(word)
    if word.lower().startswith("a couple"):
        return 2
    value = cardinal_value(word) if word.lower() not in ("a", "an") else 1
    return int(value or 0)
