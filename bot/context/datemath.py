"""Calendar arithmetic behind dates.py: each function turns one recognised phrase shape into
the date it means, relative to the call's date (`base`). The conventions are documented in
dates.py; this module only computes them.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from bot.context.numbers import day_ordinal_value

WEEKDAYS = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?"
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_POSITION_DAY = {"start": 1, "beginning": 1, "early": 10, "mid": 15, "middle": 15}


def add_span(base: date, n: int, unit: str, *, business: bool) -> date:
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


def quarter_date(base: date, groups: dict[str, str | None], *, position: str) -> date:
    """A calendar quarter: "Q1" / "first quarter" / "this|next quarter", at a position."""
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
    return month_date(year, first_month + 2, "end")


def fiscal_date(base: date, *, start_month: int, quarter: int | None, years_ahead: int) -> date:
    """The next end, not yet past, of fiscal quarter `quarter` (None: of the fiscal year), for
    a fiscal year starting on the 1st of `start_month`; `years_ahead` = 1 for "next fiscal"."""
    months = 12 if quarter is None else 3 * quarter
    for year in range(base.year - 1, base.year + 2):
        first = date(year, start_month, 1)
        index = first.month - 1 + months
        end = date(first.year + index // 12, index % 12 + 1, 1) - timedelta(days=1)
        if end >= base:
            if years_ahead:  # the same quarter's end a year later
                return fiscal_date(end + timedelta(days=1), start_month=start_month,
                                   quarter=quarter, years_ahead=years_ahead - 1)  # fmt: skip
            return end
    return base  # unreachable: some end within two years is always ahead


def month_date(year: int, month: int, position: str) -> date:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, _POSITION_DAY.get(position.lower(), last))


def month_number(name: str) -> int:
    return list(calendar.month_abbr).index(name[:3].title())


def next_year_for(base: date, month: int) -> int:
    """A month said without a year is the next such month; this month counts."""
    return base.year if month >= base.month else base.year + 1


def friday(base: date) -> date:
    return base + timedelta(days=4 - base.weekday())


def weekday_date(phrase: str, *, base: date) -> date | None:
    words = phrase.lower().split()
    parsed = dateparse(words[-1], base=base)
    if parsed is None:
        return None
    if words[0] == "next":  # "next Wednesday" said on a Tuesday is the week after's
        monday_next_week = base + timedelta(days=7 - base.weekday())
        return monday_next_week + timedelta(days=parsed.weekday())
    if parsed <= base:  # "Friday" said on a Friday means next week's
        parsed += timedelta(days=7)
    return parsed


def day_of_month_date(day: int, *, base: date, weekday: str | None = None) -> date | None:
    """ "the 20th" / "Monday the sixth": the next such day of a month, this month's if it is
    still ahead; with a weekday, the first such day in the next three months that falls on it
    (a wrong weekday does not override the number: people misname weekdays less than days)."""
    candidates = []
    year, month = base.year, base.month
    for _ in range(4):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= base:
            candidates.append(date(year, month, day))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not candidates:
        return None
    if weekday:
        wanted = dateparse(weekday, base=base)
        matching = [c for c in candidates if wanted and c.weekday() == wanted.weekday()]
        if matching:
            return matching[0]
    return candidates[0]


def spoken_day(text: str) -> int | None:
    """The day in "18th", "18", "eighteenth", "twenty-second"; None if there is none."""
    digits = re.search(r"\d{1,2}", text)
    return int(digits.group(0)) if digits else day_ordinal_value(text)


def explicit_date(phrase: str, *, base: date) -> date | None:
    numeric = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/\d{2,4})?", phrase)
    if numeric and (int(numeric.group(1)) > 12 or int(numeric.group(2)) > 31):
        return None  # "24/7" is not a date
    cleaned = re.sub(rf"^{WEEKDAYS},?\s+", "", phrase, flags=re.IGNORECASE)
    cleaned = re.sub(r"^the\s+", "", cleaned, flags=re.IGNORECASE)
    cleaned = _ordinal_words_to_digits(cleaned)
    parsed = dateparse(cleaned, base=base)
    if parsed is None:
        return None
    said_year = re.search(r"20\d\d|/\d\d$", cleaned)
    # dateparser's "future" moves today's month/day a year ahead; today is still upcoming.
    if not said_year and parsed.replace(year=base.year) == base:
        return base
    return parsed


def _ordinal_words_to_digits(text: str) -> str:
    """ "December eighteenth" -> "December 18"; "twentieth of March" -> "20 of March"."""
    words = re.sub(r"-", " ", text).split()
    for size in (2, 1):
        for i in range(len(words) - size + 1):
            value = day_ordinal_value(" ".join(words[i : i + size]))
            if value is not None:
                return " ".join([*words[:i], str(value), *words[i + size :]])
    return text


def dateparse(phrase: str, *, base: date) -> date | None:
    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "MDY",  # US-style 1/15; the calls we read are mostly US
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    # Imported on the first phrase it reads, not at start-up: it loads language data.
    import dateparser  # type: ignore[import-untyped]  # ships no type information

    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if isinstance(parsed, datetime) else None
