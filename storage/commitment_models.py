"""The commitments ledger: each promise made in the sale, owned, dated and tracked."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import CommitmentSource, CommitmentStatus
from storage.models import Base, _enum


class Commitment(Base):
    """One promise: what, by whom, to whom, by when, who on the CS side owns it, its status."""

    __tablename__ = "commitments"
    __table_args__ = (
        # One ledger row per promise found (its wording's digest): a re-extraction proposes
        # nothing twice, and a dropped one stays dropped.
        UniqueConstraint("handoff_id", "finding_key"),
        Index("ix_commitments_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    promised_by: Mapped[str | None] = mapped_column(String(200))  # the seller's side
    promised_to: Mapped[str | None] = mapped_column(String(200))  # the customer's side
    due_on: Mapped[date | None]
    status: Mapped[CommitmentStatus] = mapped_column(_enum(CommitmentStatus))
    drop_reason: Mapped[str | None] = mapped_column(Text)
    owner_slack_id: Mapped[str | None] = mapped_column(String(32))
    source_kind: Mapped[CommitmentSource] = mapped_column(_enum(CommitmentSource))
    source_quote: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(2000))
    finding_key: Mapped[str | None] = mapped_column(String(64))
    # The call or message it was found in, while it is stored (its deletion clears the quote).
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("context_sources.id", ondelete="SET NULL"), index=True
    )
    entered_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[str | None] = mapped_column(String(32))
    delivered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    # Set when its due date passed while it was still open (the card shows it).
    overdue_at: Mapped[datetime | None]
    crm_task_id: Mapped[str | None] = mapped_column(String(64))
    # The two-week feedback on this commitment: delivered / on_track / at_risk / not_ours,
    # and what was missing.
    feedback: Mapped[str | None] = mapped_column(String(32))
    feedback_note: Mapped[str | None] = mapped_column(Text)
