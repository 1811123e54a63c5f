"""The commitments ledger's read model and rules: statuses, who may move them, the summary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.errors import Refused
from storage.commitment_models import Commitment
from storage.enums import CommitmentSource, CommitmentStatus

# Re-exported so that block builders need nothing from the storage layer.
__all__ = ["CommitmentSource", "CommitmentStatus", "CommitmentView"]

# Statuses that still oblige someone (a due date on them is a deadline).
OPEN = (CommitmentStatus.CONFIRMED, CommitmentStatus.AT_RISK)
# What the ledger counts as the handoff's promises (its summary field).
COUNTED = (
    CommitmentStatus.PROPOSED,
    CommitmentStatus.CONFIRMED,
    CommitmentStatus.AT_RISK,
    CommitmentStatus.DELIVERED,
)
MOVES: dict[CommitmentStatus, tuple[CommitmentStatus, ...]] = {
    CommitmentStatus.PROPOSED: (CommitmentStatus.CONFIRMED, CommitmentStatus.DROPPED),
    CommitmentStatus.CONFIRMED: (
        CommitmentStatus.DELIVERED,
        CommitmentStatus.AT_RISK,
        CommitmentStatus.DROPPED,
    ),
    CommitmentStatus.AT_RISK: (
        CommitmentStatus.DELIVERED,
        CommitmentStatus.CONFIRMED,
        CommitmentStatus.DROPPED,
    ),
    CommitmentStatus.DELIVERED: (),
    CommitmentStatus.DROPPED: (),
}
STATUS_LABELS = {
    CommitmentStatus.PROPOSED: "proposed",
    CommitmentStatus.CONFIRMED: "confirmed",
    CommitmentStatus.DELIVERED: "delivered",
    CommitmentStatus.DROPPED: "dropped",
    CommitmentStatus.AT_RISK: "at risk",
}
# The two-week feedback's answer per commitment.
FEEDBACK_ANSWERS = {
    "delivered": "Delivered",
    "on_track": "On track",
    "at_risk": "At risk",
    "not_ours": "Not ours to keep",
}
# The commitments the two-week feedback asks about: the ones the CS team took on.
FEEDBACK_ON = (CommitmentStatus.CONFIRMED, CommitmentStatus.AT_RISK, CommitmentStatus.DELIVERED)
MAX_TEXT = 500


@dataclass(frozen=True, slots=True)
class CommitmentView:
    """One commitment as every renderer (card, modal, agenda, canvas, lists) sees it."""

    id: int
    handoff_id: int
    text: str
    promised_by: str | None
    promised_to: str | None
    due_on: date | None
    status: CommitmentStatus
    owner_slack_id: str | None
    source_kind: CommitmentSource
    source_quote: str | None
    source_url: str | None
    entered_by: str | None
    drop_reason: str | None = None
    confirmed_at: datetime | None = None
    delivered_at: datetime | None = None
    reminded_at: datetime | None = None
    overdue_at: datetime | None = None
    feedback: str | None = None
    feedback_note: str | None = None
    crm_task_id: str | None = None

    def overdue(self, today: date) -> bool:
        return self.status in OPEN and self.due_on is not None and self.due_on < today

    @property
    def past_due(self) -> bool:
        """Overdue as the card shows it: its due date passed while it was open."""
        return self.status in OPEN and self.overdue_at is not None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True, slots=True)
class CommitmentListing:
    """One line of `/handoff commitments`: a commitment and the deal it was made on."""

    deal_name: str
    account_name: str | None
    channel_id: str | None
    commitment: CommitmentView


def check_move(current: CommitmentStatus, wanted: CommitmentStatus) -> None:
    if wanted not in MOVES[current]:
        raise Refused(
            f"This commitment is {STATUS_LABELS[current]}; it cannot be marked "
            f"{STATUS_LABELS[wanted]}."
        )


def text_errors(text: str) -> str | None:
    """Why a commitment's wording cannot be saved, or None."""
    stripped = text.strip()
    if len(stripped) < 3:
        return "Say what was promised in a few words."
    if len(stripped) > MAX_TEXT:
        return f"Keep it under {MAX_TEXT} characters."
    return None


def summary_line(view: CommitmentView) -> str:
    """One line of the summary field: what, by whom, to whom, by when, and its status."""
    parts = [view.text.strip()]
    if view.promised_by or view.promised_to:
        parts.append(f"({view.promised_by or '?'} → {view.promised_to or 'the customer'})")
    if view.due_on:
        parts.append(f"by {view.due_on.isoformat()}")
    return f"{' '.join(parts)} [{view.label}]"


def summary(views: Iterable[CommitmentView]) -> str:
    """The ledger as the summary field's value: confirmed ones first, then proposed."""
    counted = [v for v in views if v.status in COUNTED]
    order = {s: i for i, s in enumerate(COUNTED[::-1])}
    counted.sort(key=lambda v: (order[v.status], v.id))
    return "\n".join(summary_line(v) for v in counted)


def view_of(row: Commitment) -> CommitmentView:
    return CommitmentView(
        id=row.id,
        handoff_id=row.handoff_id,
        text=row.text,
        promised_by=row.promised_by,
        promised_to=row.promised_to,
        due_on=row.due_on,
        status=row.status,
        owner_slack_id=row.owner_slack_id,
        source_kind=row.source_kind,
        source_quote=row.source_quote,
        source_url=row.source_url,
        entered_by=row.entered_by,
        drop_reason=row.drop_reason,
        confirmed_at=row.confirmed_at,
        delivered_at=row.delivered_at,
        reminded_at=row.reminded_at,
        overdue_at=row.overdue_at,
        feedback=row.feedback,
        feedback_note=row.feedback_note,
        crm_task_id=row.crm_task_id,
    )
