"""Plain snapshots of domain state handed to renderers; no ORM objects leave a service."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.domain.commitments import CommitmentStatus, CommitmentView
from storage.enums import AuditAction, FieldSource, HandoffStatus

# Re-exported so that block builders need nothing from the storage layer.
__all__ = ["AuditAction", "FieldSource", "HandoffStatus"]


@dataclass(frozen=True, slots=True)
class FieldLine:
    key: str
    label: str
    required: bool
    value: str | None
    source: FieldSource | None
    set_by: str | None = None
    updated_at: datetime | None = None
    crm_value: str | None = None
    # A kept suggestion: where it was said, and the quote while the context is stored.
    suggested_from: str | None = None
    suggested_quote: str | None = None

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
    exception: ExceptionGrant | None = None
    sla_breached_at: datetime | None = None
    kickoff_at: datetime | None = None
    first_value_at: datetime | None = None
    onboarding_done_at: datetime | None = None
    feedback_at: datetime | None = None
    sync_at: datetime | None = None
    sync_minutes: int | None = None
    sync_outcomes: dict[str, object] | None = None
    ready_by: str | None = None
    ready_at: datetime | None = None
    success_plan_reviewed: bool = False
    follow_up_scheduled: bool = False
    channel_id: str | None = None
    card_ts: str | None = None
    suggestions_waiting: int = 0
    # The brief in the deal channel's canvas, once it exists (None: the modal brief only).
    canvas_url: str | None = None
    # The commitments ledger, oldest first.
    commitments: tuple[CommitmentView, ...] = ()

    @property
    def missing_required(self) -> tuple[FieldLine, ...]:
        return tuple(line for line in self.fields if line.required and not line.present)

    def overdue_commitments(self, today: date) -> tuple[CommitmentView, ...]:
        return tuple(c for c in self.commitments if c.overdue(today))

    @property
    def proposed_commitments(self) -> tuple[CommitmentView, ...]:
        return tuple(c for c in self.commitments if c.status is CommitmentStatus.PROPOSED)

    def field(self, key: str) -> FieldLine | None:
        return next((line for line in self.fields if line.key == key), None)


@dataclass(frozen=True, slots=True)
class ExceptionGrant:
    by: str
    reason: str
    at: datetime
    until: date | None


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    detail: dict[str, object]


@dataclass(frozen=True, slots=True)
class HandoffSummary:
    """One line of a list: /handoff replies and the App Home."""

    handoff_id: int
    deal_name: str
    account_name: str | None
    status: HandoffStatus
    owner_slack_id: str | None
    ae_slack_id: str | None
    sla_due_at: datetime | None
    missing: int
    channel_id: str | None


@dataclass(frozen=True, slots=True)
class HomeData:
    user_id: str
    is_csm: bool
    is_reviewer: bool
    as_ae: tuple[HandoffSummary, ...]
    as_owner: tuple[HandoffSummary, ...]
    awaiting_review: tuple[HandoffSummary, ...]
    queue: tuple[HandoffSummary, ...]
    overdue: tuple[HandoffSummary, ...]


@dataclass(frozen=True, slots=True)
class Kpis:
    started: float
    median_hours_to_claim: float | None
    median_hours_to_ready: float | None
    sla_hit_rate: float | None
    complete_at_trigger: float | None
    exceptions: float
    syncs_held: float
    feedback_returned: float
    median_days_to_value: float | None
    onboarding_completion: float | None
    field_accuracy: dict[str, float]
    # How many handoffs each median or rate is taken over (attribute name -> count), so a
    # reader can weigh "3.1 h" against "over 2 handoffs".
    samples: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CommitmentKpis:
    """The week's commitments: confirmed, delivered (and the share on time), moved to at risk,
    dropped; per AE, (kept, decided) of their proposed commitments at the sync."""

    confirmed: int
    delivered: int
    delivered_on_time: float | None
    at_risk: int
    dropped: int
    survived_per_ae: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    week_start: datetime
    this_week: Kpis
    previous_four: Kpis
    history: list[tuple[datetime, Kpis]]  # the last five weeks, oldest first, for the chart
    commitments: CommitmentKpis | None = None  # this week's
