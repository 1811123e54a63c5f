"""Date phrases resolved against the call's date, with the conventions in dates.py."""

from __future__ import annotations

from datetime import date

import pytest

from bot.context.dates import find_dates, fiscal_start_month, resolve_phrase

NOV_10 = date(2026, 11, 10)  # a Tuesday
FEB_16 = date(2026, 2, 16)  # a Monday, inside Q1
JUN_29 = date(2026, 6, 29)  # a Monday


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
        ("this arvo", NOV_10, NOV_10),  # Australian: this afternoon
        ("tomorrow", NOV_10, date(2026, 11, 11)),
        ("end of day tomorrow", NOV_10, date(2026, 11, 11)),
        # spoken ordinals, as transcripts write them
        ("December eighteenth", NOV_10, date(2026, 12, 18)),
        ("by January twenty-second", NOV_10, date(2027, 1, 22)),
        ("on the twentieth of March", NOV_10, date(2027, 3, 20)),
        ("March first", NOV_10, date(2027, 3, 1)),
        ("by the 20th", NOV_10, date(2026, 11, 20)),  # this month's, still ahead
        ("by the 5th", NOV_10, date(2026, 12, 5)),  # passed: next month's
        ("by the ninth", NOV_10, date(2026, 12, 9)),
        ("Monday the sixth", JUN_29, date(2026, 7, 6)),
        ("Thursday the ninth", JUN_29, date(2026, 7, 9)),  # not "Thursday" = July 2
        ("Monday the 11th", date(2027, 1, 7), date(2027, 1, 11)),
        ("within thirty days", NOV_10, date(2026, 12, 10)),
        ("in forty-five days", NOV_10, date(2026, 12, 25)),
        # "end of day Friday" is Friday, not the call's date
        ("by end of day Friday", NOV_10, date(2026, 11, 13)),
        ("EOD Thursday", NOV_10, date(2026, 11, 12)),
        ("before the year ends", NOV_10, date(2026, 12, 31)),
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


def test_end_of_day_before_a_date_gives_way_to_the_date() -> None:
    assert [m.value for m in find_dates("by end of day January 5", base=NOV_10)] == [
        date(2027, 1, 5)
    ]


def test_a_spoken_ordinal_alone_needs_a_deadline_word_and_no_noun_after() -> None:
    assert find_dates("the second phase starts later", base=NOV_10) == []
    assert find_dates("in the first year", base=NOV_10) == []
    assert find_dates("Jordan signed it on the thirtieth from an airport", base=NOV_10) == []
    assert [m.value for m in find_dates("by the ninth, please", base=NOV_10)] == [date(2026, 12, 9)]


def test_may_and_march_the_verbs_are_not_months() -> None:
    assert find_dates("we may first need a sandbox", base=NOV_10) == []
    assert resolve_phrase("May first", base=NOV_10) == date(2027, 5, 1)


def test_fiscal_phrases_use_the_fiscal_year_the_call_states_or_stay_unknown() -> None:
    assert fiscal_start_month(["Our fiscal year starts July first."]) == 7
    assert fiscal_start_month(["Our fiscal year ends in June."]) == 7
    assert fiscal_start_month(["Our fiscal year starts April 1 and ..."]) == 4
    assert fiscal_start_month(["We close the year in December."]) is None
    # unknown fiscal calendar: no date, and it is never the calendar year's end
    (mention,) = find_dates("budget is committed by fiscal year end", base=NOV_10)
    assert mention.value is None and not mention.usable
    assert resolve_phrase("by the end of the fiscal year", base=NOV_10) is None

    # a July fiscal year: FY ends June 30, fiscal Q2 ends December 31
    def july(phrase: str) -> date | None:
        return resolve_phrase(phrase, base=NOV_10, fiscal_start=7)

    assert july("by the end of the fiscal year") == date(2027, 6, 30)
    assert july("fiscal year end") == date(2027, 6, 30)
    assert july("by end of fiscal Q2") == date(2026, 12, 31)
    assert july("by end of fiscal Q1") == date(2027, 9, 30)
    assert july("next fiscal year end") == date(2028, 6, 30)
    assert july("by end of Q1") == date(2027, 3, 31)  # a calendar quarter stays calendar
