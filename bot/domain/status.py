"""Where a handoff stands: held while a required field is missing, unless excepted."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Protocol

from bot.config.playbook import Playbook
from storage.enums import HandoffStatus
from storage.models import Handoff

STICKY = (HandoffStatus.UPCOMING, HandoffStatus.READY, HandoffStatus.CANCELLED)


class Excepted(Protocol):
    """A handoff as far as a reviewer's exception goes: the row, or a sweeper's glance."""

    @property
    def exception_by(self) -> str | None: ...

    @property
    def exception_until(self) -> date | None: ...


def status_from_fields(present: set[str], playbook: Playbook) -> HandoffStatus:
    return HandoffStatus.HELD if missing_keys(present, playbook) else HandoffStatus.OPEN


def missing_keys(present: Collection[str], playbook: Playbook) -> list[str]:
    """The playbook's required fields that are not among ``present``."""
    return [key for key in playbook.required_keys if key not in present]


def exception_active(handoff: Excepted, today: date) -> bool:
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
    return missing_keys({value.key for value in handoff.fields if value.value.strip()}, playbook)
