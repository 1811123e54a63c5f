"""Where a handoff stands: held while a required field is missing, unless excepted."""

from __future__ import annotations

from datetime import date

from bot.config.playbook import Playbook
from storage.enums import HandoffStatus
from storage.models import Handoff

STICKY = (HandoffStatus.UPCOMING, HandoffStatus.READY, HandoffStatus.CANCELLED)


def status_from_fields(present: set[str], playbook: Playbook) -> HandoffStatus:
    missing = [key for key in playbook.required_keys if key not in present]
    return HandoffStatus.HELD if missing else HandoffStatus.OPEN


def exception_active(handoff: Handoff, today: date) -> bool:
    if handoff.exception_by is None:
        return False
    return handoff.exception_until is None or handoff.exception_until >= today


def status_for(handoff: Handoff, playbook: Playbook, *, today: date) -> HandoffStatus:
    """Held while a required field is missing, unless a reviewer's exception is in force."""
    if handoff.status in STICKY:
        return handoff.status
    present = {value.key for value in handoff.fields if value.value.strip()}
    status = status_from_fields(present, playbook)
    if status is HandoffStatus.HELD and exception_active(handoff, today):
        return HandoffStatus.OPEN
    return status


def missing_required(handoff: Handoff, playbook: Playbook) -> list[str]:
    present = {value.key for value in handoff.fields if value.value.strip()}
    return [key for key in playbook.required_keys if key not in present]
