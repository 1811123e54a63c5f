"""What replicas share so they never do the same thing twice: card leases, Slack pacing, and
claims on Slack events. Every function runs in the caller's transaction and decides with a
conditional UPDATE (or a unique key), so exactly one process wins whatever the timing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Table, bindparam, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Base, ChannelPace, Handoff, InboxEvent
from storage.repositories import HANDOFFS

INBOX: Table = Base.metadata.tables["inbox"]
PACE: Table = Base.metadata.tables["channel_pace"]
EVENT_PROCESSING = "processing"
EVENT_DONE = "done"


def insert_unless_present(session: Session, table: Table, values: dict[str, Any]) -> bool:
    """Insert a row unless its unique key is taken (by anyone, even concurrently)."""
    dialect = postgresql if _is_postgresql(session) else sqlite
    statement = (
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(*table.primary_key.columns)  # rowcount is not reliable with RETURNING
    )
    return session.execute(statement).first() is not None


# -- the card relay's leases ----------------------------------------------------------------------
def cards_due(session: Session, *, now: datetime, limit: int) -> Sequence[int]:
    """Handoffs whose card lags their state, due now and not leased. Cards whose reserved
    posting turn has come go first, so a burst never starves a channel of its turn."""
    return session.scalars(
        select(Handoff.id)
        .where(
            Handoff.state_version > Handoff.rendered_version,
            or_(Handoff.card_next_attempt_at.is_(None), Handoff.card_next_attempt_at <= now),
            or_(Handoff.card_lease_until.is_(None), Handoff.card_lease_until < now),
        )
        .order_by(Handoff.card_slot_at.is_(None), Handoff.card_next_attempt_at, Handoff.id)
        .limit(limit)
    ).all()


# Built once: the relay runs them for every card of a burst (Core statements on the tables,
# which the ORM passes through as they are).
_LEASE_CARD = (
    update(HANDOFFS)
    .where(
        HANDOFFS.c.id == bindparam("handoff_id"),
        HANDOFFS.c.state_version > HANDOFFS.c.rendered_version,
        or_(
            HANDOFFS.c.card_lease_until.is_(None),
            HANDOFFS.c.card_lease_until < bindparam("now"),
        ),
    )
    .values(card_lease_until=bindparam("until"), card_lease_token=bindparam("token"))
)
_HOLD_CARD = (
    update(HANDOFFS)
    .where(
        HANDOFFS.c.id == bindparam("handoff_id"),
        HANDOFFS.c.card_lease_token == bindparam("token"),
    )
    .values(card_lease_until=bindparam("until"))
)
_NEXT_SLOT = (
    select(PACE.c.next_slot_at).where(PACE.c.channel_id == bindparam("channel")).with_for_update()
)
_RESERVE_SLOT = (
    update(PACE)
    .where(PACE.c.channel_id == bindparam("channel"))
    .values(next_slot_at=bindparam("next_slot"))
)


def lease_card(
    session: Session, *, handoff_id: int, token: str, now: datetime, until: datetime
) -> bool:
    """Take the right to render one card, if it still lags and nobody holds it."""
    params = {"handoff_id": handoff_id, "now": now, "until": until, "token": token}
    return _changed(session.execute(_LEASE_CARD, params))


def hold_card(session: Session, *, handoff_id: int, token: str, until: datetime) -> bool:
    """Still ours? Then extend the lease. Run right before every call to Slack: once a lease
    ran out (a slow Slack) another replica may have taken the card under its own token, and
    then it must be left alone. While the token is ours, nobody else has taken it."""
    params = {"handoff_id": handoff_id, "token": token, "until": until}
    return _changed(session.execute(_HOLD_CARD, params))


# -- Slack's pace: one message per second per channel, across replicas --------------------------
def reserve_turn(session: Session, *, channel_id: str, now: datetime, pace: timedelta) -> datetime:
    """The channel's first free posting turn at or after ``now``, now reserved for the caller."""
    next_slot: datetime | None = session.scalar(_NEXT_SLOT, {"channel": channel_id})
    if next_slot is None:  # the channel's first card
        insert_unless_present(
            session, PACE, {"channel_id": channel_id, "next_slot_at": now, "last_post_at": None}
        )
        next_slot = session.scalars(_NEXT_SLOT, {"channel": channel_id}).one()
    slot = max(next_slot, now)
    session.execute(_RESERVE_SLOT, {"channel": channel_id, "next_slot": slot + pace})
    return slot


def take_turn(
    session: Session, *, channel_id: str, now: datetime, pace: timedelta
) -> datetime | None:
    """``None``: post now (the last message went out at least ``pace`` ago). Otherwise when
    the channel is free again. The check and the claim are one conditional UPDATE."""
    insert_unless_present(
        session, PACE, {"channel_id": channel_id, "next_slot_at": now, "last_post_at": None}
    )
    took = _changed(
        session.execute(
            update(ChannelPace)
            .where(
                ChannelPace.channel_id == channel_id,
                or_(ChannelPace.last_post_at.is_(None), ChannelPace.last_post_at <= now - pace),
            )
            .values(
                last_post_at=now,
                # Turns reserved later queue behind this message.
                next_slot_at=case(
                    (ChannelPace.next_slot_at < now + pace, now + pace),
                    else_=ChannelPace.next_slot_at,
                ),
            )
            .execution_options(synchronize_session=False)
        )
    )
    if took:
        return None
    last = session.scalar(
        select(ChannelPace.last_post_at).where(ChannelPace.channel_id == channel_id)
    )
    assert last is not None
    return last + pace


# -- Slack Events API deliveries, once each ----------------------------------------------------
def claim_event(
    session: Session, *, source: str, event_id: str, now: datetime, stale: datetime
) -> bool:
    """Take an event to process it. A delivery already done, or being processed since after
    ``stale``, is refused; an attempt that died before finishing (older than ``stale``) is
    taken over, so a retry is never dropped because its first attempt never completed."""
    if insert_unless_present(
        session,
        INBOX,
        {
            "source": source,
            "external_id": event_id,
            "received_at": now,
            "handoff_id": None,
            "outcome": EVENT_PROCESSING,
            "payload": {},
        },
    ):
        return True
    return _changed(
        session.execute(
            update(InboxEvent)
            .where(
                InboxEvent.source == source,
                InboxEvent.external_id == event_id,
                InboxEvent.outcome == EVENT_PROCESSING,
                InboxEvent.received_at < stale,
            )
            .values(received_at=now)
            .execution_options(synchronize_session=False)
        )
    )


def finish_event(session: Session, *, source: str, event_id: str) -> None:
    session.execute(
        update(InboxEvent)
        .where(InboxEvent.source == source, InboxEvent.external_id == event_id)
        .values(outcome=EVENT_DONE)
        .execution_options(synchronize_session=False)
    )


def release_event(session: Session, *, source: str, event_id: str) -> None:
    """The attempt failed: forget it, so Slack's retry is processed."""
    session.execute(
        delete(InboxEvent)
        .where(
            InboxEvent.source == source,
            InboxEvent.external_id == event_id,
            InboxEvent.outcome == EVENT_PROCESSING,
        )
        .execution_options(synchronize_session=False)
    )


def _changed(result: Any) -> bool:
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
