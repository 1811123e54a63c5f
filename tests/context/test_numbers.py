"""Numbers as transcripts spell them."""

from __future__ import annotations

import re

import pytest

from bot.context.numbers import (
    DAY_ORDINAL,
    cardinal_value,
    day_ordinal_value,
    with_digits,
)


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("twelve", 12),
        ("forty-eight", 48),
        ("sixty five", 65),
        ("a hundred and forty", 140),
        ("two hundred", 200),
        ("four point two", 4.2),
    ],
)
def test_cardinals(phrase: str, value: float) -> None:
    assert cardinal_value(phrase) == value


@pytest.mark.parametrize(
    ("phrase", "value"),
    [("first", 1), ("ninth", 9), ("eighteenth", 18), ("twenty-second", 22), ("thirty-first", 31)],
)
def test_day_ordinals(phrase: str, value: int) -> None:
    assert day_ordinal_value(phrase) == value


def test_an_ordinal_past_the_31st_is_no_day() -> None:
    assert day_ordinal_value("thirty-second") is None
    assert day_ordinal_value("hundredth") is None


def test_spoken_numbers_become_digits_and_ordinals_are_found_whole() -> None:
    said = "We're at forty-eight percent, about eleven days, four point two jobs."
    assert with_digits(said) == "We're at 48 percent, about 11 days, 4.2 jobs."
    found = re.findall(DAY_ORDINAL, "January twenty-second or the thirtieth", re.IGNORECASE)
    assert found == ["twenty-second", "thirtieth"]
