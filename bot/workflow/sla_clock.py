"""Starting the SLA clock: when the warn and the breach fall, and their deadline rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.domain.business_time import BusinessCalendar
from storage import deadline_store
from storage.enums import DeadlineKind


def sla_marks(
    started: datetime, playbook: Playbook, calendar: BusinessCalendar
) -> tuple[datetime, datetime]:
    """When the warn and the breach fall, counting working time only if the playbook says so."""
    return (
        calendar.add_hours(started, playbook.sla.warn_hours),
        calendar.add_hours(started, playbook.sla.breach_hours),
    )


def schedule_sla(session: Session, *, handoff_id: int, warn: datetime, due: datetime) -> None:
    """Both deadlines in one statement: every new deal takes this path."""
    deadline_store.schedule_deadlines(
        session,
        handoff_id=handoff_id,
        due=((DeadlineKind.SLA_WARN, warn), (DeadlineKind.SLA_BREACH, due)),
    )
