"""Date phrases resolved against the call's date, with the conventions in dates.py."""

from __future__ import annotations

from datetime import date

import pytest

from bot.context.dates import find_dates, resolve_phrase

NOV_10 = date(2026, 11, 10)  # a Tuesday
FEB_16 = date(2026, 2, 16)  # a Monday, inside Q1


@pytest.mark.parametrize(
    ("phrase", "base", "expected"),
    [
        ("by end of Q1", NOV_10, date(2027, 3, 31)),  # November call: next year's Q1
        ("by end of Q1", FEB_16, date(2026, 3, 31)),  # inside Q1: this one
        ("the end of the first quarter", NOV_10, date(2027, 3, 31)),
        ("end of next quarter", NOV_10, date(2027, 3, 31)),
        ("end of this quarter", NOV_10, date(2026, 12, 31)),
        ("by Q2 2028", NOV_10, date(2028, 6, 30)),
        ("start of Q2", NOV_10, date(2027, 4, 1)),
        ("January 15", NOV_10, date(2027, 1, 15)),  # said in November: next January
        ("Jan 15th", NOV_10, date(2027, 1, 15)),
        ("November 10", NOV_10, date(2026, 11, 10)),  # today is still upcoming
        ("Monday January 4", NOV_10, date(2027, 1, 4)),
        ("1/15", NOV_10, date(2027, 1, 15)),
        ("within 30 days", NOV_10, date(2026, 12, 10)),
        ("within two weeks", NOV_10, date(2026, 11, 24)),
        ("within 10 business days", NOV_10, date(2026, 11, 24)),
        ("within 48 hours", NOV_10, date(2026, 11, 12)),
        ("two weeks from today", NOV_10, date(2026, 11, 24)),
        ("early March", NOV_10, date(2027, 3, 10)),
        ("mid-March", NOV_10, date(2027, 3, 15)),
        ("late March", NOV_10, date(2027, 3, 31)),
        ("the end of March", NOV_10, date(2027, 3, 31)),
        ("in June", NOV_10, date(2027, 6, 30)),
        ("end of the month", NOV_10, date(2026, 11, 30)),
        ("end of next month", NOV_10, date(2026, 12, 31)),
        ("end of next year", NOV_10, date(2027, 12, 31)),
        ("by Friday", NOV_10, date(2026, 11, 13)),
        ("on Tuesday", NOV_10, date(2026, 11, 17)),  # said on a Tuesday: next week's
        ("next Wednesday", NOV_10, date(2026, 11, 18)),
        ("end of week", NOV_10, date(2026, 11, 13)),
        ("next week", NOV_10, date(2026, 11, 20)),
        ("end of next week", NOV_10, date(2026, 11, 20)),
        ("today", NOV_10, NOV_10),
        ("tomorrow", NOV_10, date(2026, 11, 11)),
        ("end of day tomorrow", NOV_10, date(2026, 11, 11)),
    ],
)
def test_phrases(phrase: str, base: date, expected: date) -> None:
    assert resolve_phrase(phrase, base=base) == expected


def test_relative_to_an_unknown_event_has_no_date() -> None:
    (mention,) = find_dates("within 30 days of signature", base=NOV_10)
    assert mention.value is None and not mention.usable


def test_customer_condition_and_past_reference_are_flagged() -> None:
    (condition,) = find_dates("If you sign by November 20, we'll waive the fee", base=NOV_10)
    assert condition.value == date(2026, 11, 20) and condition.condition and not condition.usable
    (past,) = find_dates("it's in my email from Nov 2 but not the form", base=NOV_10)
    assert past.past and not past.usable


def test_words_that_look_like_dates_are_not_dates() -> None:
    assert find_dates("we may be second in line, 24/7 support", base=NOV_10) == []
    assert find_dates("weekly emails every Friday until go-live", base=NOV_10) == []
