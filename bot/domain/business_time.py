"""Working time: adding SLA hours, finding the next opening, the business day of a moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.config.playbook import WEEKDAYS, BusinessHours


class BusinessCalendar:
    """Without business hours every moment is working time and hours are clock hours."""

    def __init__(self, hours: BusinessHours | None) -> None:
        self._hours = hours
        self._zone = ZoneInfo(hours.time_zone) if hours else ZoneInfo("UTC")

    @property
    def always_open(self) -> bool:
        return self._hours is None

    def add_hours(self, start: datetime, hours: float) -> datetime:
        if self._hours is None:
            return start + timedelta(hours=hours)
        remaining = timedelta(hours=hours)
        cursor = self.next_open(start)
        while True:
            closing = self._at(cursor.astimezone(self._zone).date(), self._hours.end)
            available = closing - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(UTC)
            remaining -= available
            cursor = self.next_open(closing)

    def is_open(self, moment: datetime, zone: ZoneInfo | None = None) -> bool:
        if self._hours is None:
            return True
        local = moment.astimezone(zone or self._zone)
        return (
            self._working_day(local.date()) and self._hours.start <= local.time() < self._hours.end
        )

    def next_open(self, moment: datetime, zone: ZoneInfo | None = None) -> datetime:
        """``moment`` if it is working time, else the start of the next working period —
        in ``zone`` (a person's own time zone) when given."""
        if self._hours is None or self.is_open(moment, zone):
            return moment.astimezone(UTC)
        zone = zone or self._zone
        day = moment.astimezone(zone).date()
        if moment.astimezone(zone).time() >= self._hours.end or not self._working_day(day):
            day += timedelta(days=1)
        while not self._working_day(day):
            day += timedelta(days=1)
        opening = datetime.combine(day, self._hours.start, tzinfo=zone)
        return max(opening, moment).astimezone(UTC)

    def next_business_day(self, moment: datetime) -> datetime:
        """The same time of day on the next working day (a snooze)."""
        local = moment.astimezone(self._zone)
        day = local.date() + timedelta(days=1)
        while not self._working_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, local.timetz()).astimezone(UTC)

    def working_days_before(self, day: date, days: int) -> datetime:
        """The opening of the working day ``days`` working days before ``day`` (a reminder
        ahead of a due date); 09:00 UTC that many days before without business hours."""
        if self._hours is None:
            return datetime.combine(day - timedelta(days=days), time(9), tzinfo=UTC)
        cursor, left = day, days
        while left > 0 or not self._working_day(cursor):
            cursor -= timedelta(days=1)
            left -= 1 if self._working_day(cursor) else 0
        return self._at(cursor, self._hours.start)

    def opening_after(self, day: date) -> datetime:
        """The opening of the first working day after ``day`` (when a due date has passed);
        the midnight after it (UTC) without business hours."""
        if self._hours is None:
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
        cursor = day + timedelta(days=1)
        while not self._working_day(cursor):
            cursor += timedelta(days=1)
        return self._at(cursor, self._hours.start)

    def business_day(self, moment: datetime) -> date:
        return moment.astimezone(self._zone).date()

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self._zone).astimezone(UTC)

    def _working_day(self, day: date) -> bool:
        if self._hours is None:
            return True
        if WEEKDAYS[day.weekday()] not in self._hours.days:
            return False
        return not (self._hours.holidays and day in _holidays(self._hours.holidays, day.year))


@lru_cache(maxsize=32)
def _holidays(country: str, year: int) -> frozenset[date]:
    # Imported when a playbook names a country's holidays: the package is large.
    import holidays as holiday_calendars

    return frozenset(holiday_calendars.country_holidays(country, years=year).keys())
