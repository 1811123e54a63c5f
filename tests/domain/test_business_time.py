"""Working-time arithmetic: weekends, holidays, hours, time zones."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bot.config.playbook import BusinessHours
from bot.domain.business_time import BusinessCalendar

NY = ZoneInfo("America/New_York")
WEEK = BusinessCalendar(
    BusinessHours(time_zone="America/New_York", start=time(9), end=time(17), holidays="US")
)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def test_without_business_hours_hours_are_clock_hours() -> None:
    start = datetime(2026, 11, 21, 23, tzinfo=UTC)  # a Saturday night
    assert BusinessCalendar(None).add_hours(start, 24) == datetime(2026, 11, 22, 23, tzinfo=UTC)


def test_hours_within_a_day_and_across_the_night() -> None:
    assert WEEK.add_hours(ny(2026, 11, 23, 10), 3) == ny(2026, 11, 23, 13)
    assert WEEK.add_hours(ny(2026, 11, 23, 15), 4) == ny(2026, 11, 24, 11)


def test_evening_and_weekend_triggers_start_at_the_next_opening() -> None:
    assert WEEK.add_hours(ny(2026, 11, 23, 20), 1) == ny(2026, 11, 24, 10)
    assert WEEK.add_hours(ny(2026, 11, 21, 12), 8) == ny(2026, 11, 23, 17)  # Saturday → Monday


def test_public_holidays_are_skipped() -> None:
    # Wednesday before Thanksgiving (Thu 26 Nov 2026): 24 working hours = 3 days, skipping Thursday.
    assert WEEK.add_hours(ny(2026, 11, 25, 9), 24) == ny(2026, 11, 30, 17)


def test_next_business_day_and_opening_in_another_zone() -> None:
    assert WEEK.next_business_day(ny(2026, 11, 25, 10)) == ny(2026, 11, 27, 10)
    tokyo = ZoneInfo("Asia/Tokyo")
    evening_in_tokyo = datetime(2026, 11, 24, 20, tzinfo=tokyo)
    assert not WEEK.is_open(evening_in_tokyo, tokyo)
    assert WEEK.next_open(evening_in_tokyo, tokyo) == datetime(2026, 11, 25, 9, tzinfo=tokyo)
