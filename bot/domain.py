"""Plain snapshots of domain state handed to renderers; no ORM objects leave a service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from storage.enums import FieldSource, HandoffStatus


@dataclass(frozen=True, slots=True)
class FieldLine:
    key: str
    label: str
    required: bool
    value: str | None
    source: FieldSource | None

    @property
    def present(self) -> bool:
        return bool(self.value and self.value.strip())


@dataclass(frozen=True, slots=True)
class HandoffCard:
    """Everything the handoff card shows, as of ``version``."""

    handoff_id: int
    version: int
    deal_id: str
    deal_name: str
    account_name: str | None
    stage: str
    amount: Decimal | None
    currency: str | None
    close_date: date | None
    deal_url: str | None
    status: HandoffStatus
    ae_slack_id: str | None
    ae_email: str | None
    owner_slack_id: str | None
    sla_due_at: datetime | None
    fields: tuple[FieldLine, ...]

    @property
    def missing_required(self) -> tuple[FieldLine, ...]:
        return tuple(line for line in self.fields if line.required and not line.present)


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    text: str
    blocks: list[dict[str, object]]
