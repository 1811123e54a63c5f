"""Working-time arithmetic: weekends, holidays, hours, time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
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


def test_a_reminder_lead_counts_working_days_back_from_the_due_date() -> None:
    # Due Monday 30 Nov 2026, two working days ahead: Thursday 26 Nov is Thanksgiving (US),
    # so the reminder opens on Wednesday 25 Nov at 09:00 New York time.
    assert WEEK.working_days_before(date(2026, 11, 30), 2) == ny(2026, 11, 25, 9)
    # Due on a Sunday with no lead: the last working day before it, Friday.
    assert WEEK.working_days_before(date(2026, 12, 6), 0) == ny(2026, 12, 4, 9)
    # Overdue from the next working day's opening: a Friday's is Monday's.
    assert WEEK.opening_after(date(2026, 12, 4)) == ny(2026, 12, 7, 9)
    # Without business hours: calendar days, at 09:00 UTC; overdue from midnight.
    plain = BusinessCalendar(None)
    assert plain.working_days_before(date(2026, 11, 30), 2) == datetime(2026, 11, 28, 9, tzinfo=UTC)
    assert plain.opening_after(date(2026, 12, 4)) == datetime(2026, 12, 5, tzinfo=UTC)
