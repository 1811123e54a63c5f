"""The brief as the deal channel's canvas: one row per handoff, kept current like the card."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from storage.models import Base, Handoff


class BriefCanvas(Base):
    """The one-page brief in the deal channel's canvas, kept current like the card: ``dirty``
    is set whenever the card is rendered, the upkeep leases the row (token, until), renders
    the brief and edits the canvas only if what it shows changed (``rendered_hash``).

    ``mode``: ``channel`` (Handoff created the channel's canvas: the whole canvas is the brief),
    ``section`` (the channel already had one: the brief is a titled section of it), or
    ``unavailable`` (the plan or a missing scope: the modal brief remains, admins were told).
    """

    __tablename__ = "brief_canvases"
    __table_args__ = (Index("ix_brief_canvases_due", "dirty", "next_attempt_at"),)

    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str | None] = mapped_column(String(16))
    canvas_id: Mapped[str | None] = mapped_column(String(32))
    url: Mapped[str | None] = mapped_column(String(500))
    dirty: Mapped[bool] = mapped_column(default=True)
    rendered_hash: Mapped[str | None] = mapped_column(String(64))
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]

    handoff: Mapped[Handoff] = relationship(back_populates="brief_canvas")


def brief_changed(session: Session, handoff_ids: Iterable[int], now: datetime) -> None:
    """What these handoffs' briefs show changed without their cards changing (a quote that
    expired): their canvases are brought up to date, the cards are left alone."""
    ids = sorted(set(handoff_ids))
    if ids:
        session.execute(
            update(BriefCanvas)
            .where(BriefCanvas.handoff_id.in_(ids))
            .values(dirty=True, updated_at=now)
            .execution_options(synchronize_session=False)
        )
