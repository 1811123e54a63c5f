"""What Handoff keeps of a deal's calls and channel conversation, and what it found there.

Each table is a pure function of the stored sources: deleting a source (a deleted message,
`/handoff forget`, retention) deletes everything found in it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import ContextKind, ContextOrigin, ContextState, SuggestionStatus
from storage.models import Base, _enum


class ContextSource(Base):
    """One call transcript or one deal-channel message, with where it came from."""

    __tablename__ = "context_sources"
    __table_args__ = (
        UniqueConstraint("origin", "external_id"),
        Index("ix_context_sources_said_at", "said_at"),
        # A deletion finds the message and any file shared with it.
        Index("ix_context_sources_message", "channel_id", "message_ts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Null while a transcript sent for a deal waits for the deal's first CRM event.
    handoff_id: Mapped[int | None] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    deal_id: Mapped[str | None] = mapped_column(String(200), index=True)
    kind: Mapped[ContextKind] = mapped_column(_enum(ContextKind))
    origin: Mapped[ContextOrigin] = mapped_column(_enum(ContextOrigin))
    external_id: Mapped[str] = mapped_column(String(255))
    state: Mapped[ContextState] = mapped_column(_enum(ContextState))
    title: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # The Slack user who wrote the message or shared the file.
    author: Mapped[str | None] = mapped_column(String(32))
    # When it was said: the message's time, the call's date; retention counts from it.
    said_at: Mapped[datetime]
    # [{"speaker", "start", "text"}]; None while downloading, when failed, or deleted.
    segments: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    edited_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # None: new or changed since the last extraction.
    extracted_at: Mapped[datetime | None]


class ContextSuggestion(Base):
    """A value proposed for a handoff field, with the quote it rests on."""

    __tablename__ = "context_suggestions"
    __table_args__ = (
        UniqueConstraint("handoff_id", "source_id", "field_key", "value_key"),
        Index("ix_context_suggestions_waiting", "handoff_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(
        ForeignKey("context_sources.id", ondelete="CASCADE"), index=True
    )
    field_key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    # The normalised value's digest: the same value from the same source is one suggestion.
    value_key: Mapped[str] = mapped_column(String(64))
    quote: Mapped[str] = mapped_column(Text)
    speaker: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[str | None] = mapped_column(String(8))  # "hh:mm:ss" into the call
    extractor: Mapped[str] = mapped_column(String(16))
    status: Mapped[SuggestionStatus] = mapped_column(_enum(SuggestionStatus))
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(64))


class ContextStakeholder(Base):
    """A person found in a source, on the customer's side or ours."""

    __tablename__ = "context_stakeholders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("context_sources.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    side: Mapped[str] = mapped_column(String(16))
    quote: Mapped[str] = mapped_column(Text)


class ContextCommitment(Base):
    """A promise the seller made, as found (the commitments ledger builds on these)."""

    __tablename__ = "context_commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("context_sources.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    by: Mapped[str | None] = mapped_column(String(200))
    due: Mapped[date | None]
    quote: Mapped[str] = mapped_column(Text)
    at: Mapped[str | None] = mapped_column(String(8))
