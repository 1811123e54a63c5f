"""When reports are due: the weekly KPIs and the quarterly audit sample, once across replicas."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.config.playbook import WEEKDAYS, Playbook
from bot.domain.clock import Clock
from storage import repositories
from storage.db import SessionFactory
from storage.enums import OutboxKind

WEEKLY = "report.weekly"
QUARTERLY = "audit.quarterly"


def week_start(moment: datetime, zone: ZoneInfo) -> datetime:
    """Monday 00:00 of the week holding ``moment``, in ``zone``."""
    local = moment.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0), tzinfo=zone)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


class ReportScheduler:
    def __init__(self, *, sessions: SessionFactory, clock: Clock, playbook: Playbook) -> None:
        self._sessions = sessions
        self._clock = clock
        self._playbook = playbook

    def tick(self) -> list[OutboxKind]:
        """Queue whichever reports are due now and not yet sent; what was queued."""
        queued = []
        reporting = self._playbook.reporting
        zone = ZoneInfo(reporting.time_zone)
        now = self._clock.now()
        this_week = week_start(now, zone)
        send_at = datetime.combine(
            this_week.date() + timedelta(days=WEEKDAYS.index(reporting.weekday)),
            reporting.send_at,
            tzinfo=zone,
        )
        if reporting.channel_id and now >= send_at:
            last_week = this_week - timedelta(days=7)
            if self._claim(
                WEEKLY,
                this_week,
                OutboxKind.WEEKLY_REPORT,
                {"week_start": last_week.isoformat(), "to": reporting.channel_id},
            ):
                queued.append(OutboxKind.WEEKLY_REPORT)
        if reporting.audit_channel_id:
            quarter = quarter_start(now.astimezone(zone).date())
            previous = quarter_start(quarter - timedelta(days=1))
            start = datetime.combine(quarter, time(0), tzinfo=zone)
            if self._claim(
                QUARTERLY,
                start,
                OutboxKind.AUDIT_SAMPLE,
                {
                    "start": datetime.combine(previous, time(0), tzinfo=zone).isoformat(),
                    "end": start.isoformat(),
                    "to": reporting.audit_channel_id,
                },
            ):
                queued.append(OutboxKind.AUDIT_SAMPLE)
        return queued

    def request(self, *, user_id: str) -> None:
        """Send last week's report, with its chart, to one person's DM (``/handoff report``)."""
        now = self._clock.now()
        last_week = week_start(now, ZoneInfo(self._playbook.reporting.time_zone)) - timedelta(
            days=7
        )
        with self._sessions.begin() as session:
            repositories.enqueue(
                session,
                kind=OutboxKind.WEEKLY_REPORT,
                now=now,
                payload={"week_start": last_week.isoformat(), "to": user_id},
            )

    def _claim(
        self, name: str, period: datetime, kind: OutboxKind, payload: dict[str, object]
    ) -> bool:
        now = self._clock.now()
        try:
            with self._sessions.begin() as session:
                if not repositories.claim_period(session, name, period, now):
                    return False
                repositories.enqueue(session, kind=kind, now=now, payload=payload)
        except IntegrityError:
            return False  # another replica claimed this period at the same moment
        return True
