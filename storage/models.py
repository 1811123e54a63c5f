"""Typed SQLAlchemy 2 models: the source of truth for every handoff."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    literal_column,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

if TYPE_CHECKING:
    from storage.canvas_models import BriefCanvas
    from storage.commitment_models import Commitment

from storage.enums import (
    AuditAction,
    DeadlineKind,
    DeadlineStatus,
    FieldSource,
    HandoffStatus,
    OutboxKind,
    OutboxStatus,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _enum(enum_cls: type[Any]) -> Enum:
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
    }


def _status_in(*statuses: HandoffStatus) -> str:
    """``status IN (...)`` with the values written out: a query names the same list (see
    ``status_in``) so that SQLite, which matches a partial index on the literal terms of its
    WHERE, and PostgreSQL both answer it from the partial index."""
    return "status IN (" + ", ".join(f"'{status.value}'" for status in statuses) + ")"


# Handoffs somebody still has to act on, and those a CSM's Home lists as theirs.
LIVE = (HandoffStatus.UPCOMING, HandoffStatus.HELD, HandoffStatus.OPEN)
OWNED = (*LIVE, HandoffStatus.READY)
SLA_RUNNING = (HandoffStatus.HELD, HandoffStatus.OPEN)
_LIVE_SQL = _status_in(*LIVE)
_OWNED_SQL = _status_in(*OWNED)
_SLA_RUNNING_SQL = _status_in(*SLA_RUNNING)
_QUEUE_SQL = f"owner_slack_id IS NULL AND {_LIVE_SQL}"
_AWAITING_SQL = f"owner_slack_id IS NOT NULL AND {_status_in(HandoffStatus.OPEN)}"


def _partial(name: str, *columns: str, where: str) -> Index:
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))


class Handoff(Base):
    __tablename__ = "handoffs"
    __table_args__ = (
        UniqueConstraint("crm", "deal_id"),
        Index("ix_handoffs_card_due", "card_next_attempt_at"),
        # A deal-channel message finds its handoff by channel.
        Index("ix_handoffs_channel_id", "channel_id"),
        Index("ix_handoffs_requested_channel_id", "requested_channel_id"),
        # The lookups of /handoff and the App Home, each an index scan in its own order
        # (migration 0012; name search lives in storage.name_search).
        _partial("ix_handoffs_queue", "sla_due_at", "id", where=_QUEUE_SQL),
        _partial("ix_handoffs_sla_running", "sla_due_at", "id", where=_SLA_RUNNING_SQL),
        _partial("ix_handoffs_awaiting_review", "sla_due_at", "id", where=_AWAITING_SQL),
        # Newest first: a name search matching many handoffs reads this until it has ten.
        Index("ix_handoffs_recent", "updated_at", "id"),
        _partial("ix_handoffs_ae_live", "ae_slack_id", "updated_at", where=_LIVE_SQL),
        _partial("ix_handoffs_owner_current", "owner_slack_id", "updated_at", where=_OWNED_SQL),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crm: Mapped[str] = mapped_column(String(32))
    deal_id: Mapped[str] = mapped_column(String(64))
    deal_name: Mapped[str] = mapped_column(String(255))
    account_name: Mapped[str | None] = mapped_column(String(255))
    stage: Mapped[str] = mapped_column(String(120))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    close_date: Mapped[date | None]
    deal_url: Mapped[str | None] = mapped_column(String(2000))
    ae_email: Mapped[str | None] = mapped_column(String(320))
    requested_channel_id: Mapped[str | None] = mapped_column(String(32))

    status: Mapped[HandoffStatus] = mapped_column(_enum(HandoffStatus))
    owner_slack_id: Mapped[str | None] = mapped_column(String(32))
    triggered_at: Mapped[datetime | None]
    sla_warn_at: Mapped[datetime | None]
    sla_due_at: Mapped[datetime | None]
    last_event_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # The card is a pure function of this row: state_version moves on every change,
    # rendered_version records what Slack shows.
    state_version: Mapped[int] = mapped_column(Integer, default=1)
    rendered_version: Mapped[int] = mapped_column(Integer, default=0)
    ae_slack_id: Mapped[str | None] = mapped_column(String(32))
    ae_lookup_done: Mapped[bool] = mapped_column(default=False)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    card_post_intent_at: Mapped[datetime | None]
    card_next_attempt_at: Mapped[datetime | None]
    card_lease_until: Mapped[datetime | None]
    # Who holds the lease: the relay re-checks it right before the one non-idempotent call.
    card_lease_token: Mapped[str | None] = mapped_column(String(32))
    # The channel's posting turn this card reserved (shared pacing, see ChannelPace).
    card_slot_at: Mapped[datetime | None]
    card_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Why Slack refused the card (a retry will not fix it); waits and outages leave it empty.
    card_error: Mapped[str | None] = mapped_column(Text)
    # The workspace permalink of the card (chat.getPermalink), for the CRM; follows card_ts.
    card_permalink: Mapped[str | None] = mapped_column(String(500))

    claimed_at: Mapped[datetime | None]
    exception_by: Mapped[str | None] = mapped_column(String(32))
    exception_reason: Mapped[str | None] = mapped_column(Text)
    exception_at: Mapped[datetime | None]
    exception_until: Mapped[date | None]
    ready_by: Mapped[str | None] = mapped_column(String(32))
    ready_at: Mapped[datetime | None]
    sla_breached_at: Mapped[datetime | None]
    kickoff_at: Mapped[datetime | None]
    first_value_at: Mapped[datetime | None]
    onboarding_done_at: Mapped[datetime | None]
    feedback_at: Mapped[datetime | None]
    feedback: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sync_at: Mapped[datetime | None]
    sync_minutes: Mapped[int | None] = mapped_column(Integer)
    sync_attendees: Mapped[list[str] | None] = mapped_column(JSON)
    sync_outcomes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    feedback_requests: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    success_plan_reviewed: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Pending suggestions from calls and the deal channel (distinct values), shown on the card.
    suggestions_waiting: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The business day (ISO date) each kind of nudge last went out: one a day per kind,
    # decided without reading the audit trail.
    nudged_on: Mapped[dict[str, str] | None] = mapped_column(JSON)

    fields: Mapped[list[FieldValue]] = relationship(
        back_populates="handoff", cascade="all, delete-orphan", order_by="FieldValue.id"
    )
    # The brief as the deal channel's canvas (none in a shared channel, or before the card).
    brief_canvas: Mapped[BriefCanvas | None] = relationship(
        back_populates="handoff", cascade="all, delete-orphan", lazy="selectin"
    )
    # The commitments ledger, read by the card's snapshot (written through its own rows);
    # loaded with the handoff, since snapshots are taken from detached rows.
    commitments: Mapped[list[Commitment]] = relationship(
        order_by="Commitment.id", viewonly=True, lazy="selectin"
    )


def status_in(statuses: tuple[HandoffStatus, ...]) -> ColumnElement[bool]:
    """A query's ``status IN (...)`` written out like the partial indexes' (see ``_status_in``)."""
    return Handoff.status.in_([literal_column(f"'{status.value}'") for status in statuses])


class FieldValue(Base):
    __tablename__ = "field_values"
    __table_args__ = (UniqueConstraint("handoff_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    source: Mapped[FieldSource] = mapped_column(_enum(FieldSource))
    set_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime]
    # The CRM's differing value while a person's entry stands: shown on the card, never applied.
    crm_value: Mapped[str | None] = mapped_column(Text)
    # A kept suggestion: where it was said ("the 20 Nov discovery call, 12:31 — Priya Shah")
    # and the quote, which goes when the context it came from is forgotten or expires.
    suggested_from: Mapped[str | None] = mapped_column(Text)
    suggested_quote: Mapped[str | None] = mapped_column(Text)
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("context_suggestions.id", ondelete="SET NULL")
    )

    handoff: Mapped[Handoff] = relationship(back_populates="fields")


class InboxEvent(Base):
    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime]
    handoff_id: Mapped[int | None] = mapped_column(
        ForeignKey("handoffs.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[OutboxKind] = mapped_column(_enum(OutboxKind))
    handoff_id: Mapped[int | None] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict[str, Any]]
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # Messages with the same key coalesce while pending (e.g. one App Home refresh per user).
    dedupe_key: Mapped[str | None] = mapped_column(String(128), index=True)
    # The CRM that delivers a CRM message (write-back, task, note, read-back); each adapter
    # takes only its own. None for Slack messages.
    crm: Mapped[str | None] = mapped_column(String(32))


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DeadlineKind] = mapped_column(_enum(DeadlineKind))
    due_at: Mapped[datetime]
    status: Mapped[DeadlineStatus] = mapped_column(_enum(DeadlineStatus))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    done_at: Mapped[datetime | None]


class AuditEvent(Base):
    __tablename__ = "audit_events"
    # A handoff's trail in order (history), from the index alone.
    __table_args__ = (Index("ix_audit_events_handoff_id_id", "handoff_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction))
    detail: Mapped[dict[str, Any]]


class ReportMarker(Base):
    """The last period a periodic report was sent for; taken once across replicas."""

    __tablename__ = "report_markers"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    period_start: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChannelPace(Base):
    """Slack's one message per second per channel, shared by every replica.

    ``next_slot_at`` is the first posting turn nobody has reserved; ``last_post_at`` is when
    the last message actually went out (a late card never shortens the gap below a second).
    """

    __tablename__ = "channel_pace"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_slot_at: Mapped[datetime]
    last_post_at: Mapped[datetime | None]


class CrmCursor(Base):
    """How far a CRM poll has read; advanced only after a batch is committed."""

    __tablename__ = "crm_cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[datetime]
    updated_at: Mapped[datetime]


# The context tables and the commitments ledger live in their own modules; importing them here
# registers them on Base (they need Base, defined above).
from storage import canvas_models, commitment_models, context_models  # noqa: E402, F401
