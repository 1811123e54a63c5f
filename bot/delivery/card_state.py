"""One card as the relay holds it: its lease, its turn in the channel, and what happened.

Every method is one short transaction; the ones that write check the lease token first, so a
process that lost its lease (it was slower than the lease) changes nothing another holds.

A new card in a burst mostly waits for its channel's turn, so its first pass is two
transactions: taking and reading it, then storing what the relay looked up (its AE's Slack
id, its channel) together with the turn it waits for. On SQLite each write transaction takes
the database's one write lock, which the CRM's requests are queueing for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, lazyload

from bot.delivery import canvas_state
from bot.delivery.nudges import Later
from bot.delivery.outbox import LEASE
from bot.domain.clock import Clock
from bot.workflow.recorder import queue_write_back
from storage import coordination, repositories
from storage.db import SessionFactory
from storage.enums import AuditAction, OutboxKind
from storage.models import Handoff


class LeaseLost(Exception):
    """The card is no longer ours (deleted, or leased by another process): leave it alone."""


class TurnLater(Later):
    """The card waits for its channel's turn, and the wait is already stored with the turn."""


@dataclass(frozen=True, slots=True)
class Resolved:
    """What the relay looked up for a card and has not stored yet."""

    ae: tuple[str, str | None] | None = None  # the AE's email and Slack user id, if any
    channel_id: str | None = None

    def __bool__(self) -> bool:
        return self.ae is not None or self.channel_id is not None

    def apply_to(self, handoff: Handoff) -> None:
        """Give the handoff what was looked up: the detached one being drawn, or the row when
        it is stored. An AE found for another email is not this deal's (it changed hands)."""
        if self.ae is not None and handoff.ae_email == self.ae[0]:
            handoff.ae_slack_id, handoff.ae_lookup_done = self.ae[1], True
        if self.channel_id is not None:
            handoff.channel_id = self.channel_id


NOTHING_RESOLVED = Resolved()

# A card's small updates read the handoff row alone. Its fields, commitments and canvas are
# read only for a card about to be drawn (_load_for_drawing).
_DRAWN_RELATIONS = ("fields", "commitments", "brief_canvas")
_ROW_ALONE = tuple(lazyload(getattr(Handoff, name)) for name in _DRAWN_RELATIONS)


class CardState:
    def __init__(self, sessions: SessionFactory, clock: Clock, handoff_id: int, token: str) -> None:
        self._sessions = sessions
        self._clock = clock
        self.handoff_id = handoff_id
        self._token = token
        self.attempts = 0

    # -- the lease ------------------------------------------------------------------------------
    def lease_and_read(self) -> Handoff | None:
        """Take the card and read its handoff (detached) in one transaction; ``None`` when it
        is not ours to render (up to date, leased by another, or deleted). A posted card, to
        be updated now, is read whole; a new one is read whole only when its turn comes
        (``take_turn_to_post``): in a burst most new cards only wait for it."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            if not coordination.lease_card(
                session, handoff_id=self.handoff_id, token=self._token, now=now, until=now + LEASE
            ):
                return None
            handoff = session.get(Handoff, self.handoff_id, options=_ROW_ALONE)
            if handoff is None:
                return None
            self.attempts = handoff.card_attempts
            if handoff.card_ts is not None:
                _load_for_drawing(session, handoff)
            return handoff

    def read(self) -> Handoff:
        """The handoff whole (with its fields, commitments and canvas), detached."""
        with self._sessions.begin() as session:
            handoff = repositories.get_handoff(session, self.handoff_id)
            if handoff is None:
                raise LeaseLost(f"handoff {self.handoff_id} was deleted")
            return handoff

    def hold(self) -> None:
        """Renew the lease before a Slack call, or stop: another process has the card now."""
        with self._sessions.begin() as session:
            self._hold(session)

    def _hold(self, session: Session) -> None:
        now = self._clock.now()
        if not coordination.hold_card(
            session, handoff_id=self.handoff_id, token=self._token, until=now + LEASE
        ):
            raise LeaseLost(str(self.handoff_id))

    # -- what the relay looked up ----------------------------------------------------------------
    def store(self, resolved: Resolved) -> None:
        if not resolved:
            return
        with self._sessions.begin() as session:
            self._store(session, self._get(session), resolved)

    def _store(self, session: Session, handoff: Handoff, resolved: Resolved) -> None:
        resolved.apply_to(handoff)
        if resolved.ae is None:
            return
        email, user_id = resolved.ae
        if user_id is None:
            repositories.enqueue(
                session,
                kind=OutboxKind.NOTIFY_ADMINS,
                now=self._clock.now(),
                payload={
                    "text": f"No Slack user has the email {email}, the AE of "
                    f"{handoff.deal_name}. Their handoff cards show the email instead of "
                    "a mention until their Slack profile uses it."
                },
                dedupe_key=f"unmapped-ae:{email}"[:128],
                once=True,
            )

    # -- posting --------------------------------------------------------------------------------
    def take_turn_to_post(
        self, channel_id: str, pace: timedelta, resolved: Resolved = NOTHING_RESOLVED
    ) -> Handoff:
        """Store ``resolved``; when this process may post the card now, record the intent and
        return the handoff whole, to draw the card from. Raise ``TurnLater`` until the
        channel's turn (the card then waits for it, its lease given back), ``LeaseLost`` if
        the card is not ours."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            self._hold(session)
            handoff = self._get(session)
            slot = handoff.card_slot_at or coordination.reserve_turn(
                session, channel_id=channel_id, now=now, pace=pace
            )
            wait_until = slot if slot > now else None
            if wait_until is None:
                wait_until = coordination.take_turn(
                    session, channel_id=channel_id, now=now, pace=pace
                )
            # Changed after the turn's queries, so that the handoff is written once, at commit.
            self._store(session, handoff, resolved)
            if wait_until is None:
                handoff.card_post_intent_at, handoff.card_slot_at = now, None
                _load_for_drawing(session, handoff)
            else:
                handoff.card_slot_at = slot  # keep the reserved turn: no queue-jumping
                self._wait(handoff, wait_until)
        if wait_until is not None:
            raise TurnLater(wait_until)  # not a failure: the channel's turn comes then
        return handoff

    def forget_intent(self) -> None:
        """Slack certainly did not post (a refusal, a 429): the retry needs no search."""
        with self._sessions.begin() as session:
            session.execute(
                update(Handoff)
                .where(Handoff.id == self.handoff_id, Handoff.card_ts.is_(None))
                .values(card_post_intent_at=None)
                .execution_options(synchronize_session=False)
            )

    def store_ts(self, ts: str, *, invite_ae: bool) -> None:
        """Slack has the card: remember where, whoever holds the lease now; with
        ``invite_ae``, bring the AE into the channel (the deal's own, never a shared one)."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            handoff = self._get(session)
            if handoff.card_ts == ts:
                return
            handoff.card_ts, handoff.card_permalink = ts, None
            if invite_ae and handoff.ae_slack_id and handoff.channel_id:
                # Once per person and channel, ever: someone who left is not pulled back in.
                repositories.enqueue(
                    session,
                    kind=OutboxKind.INVITE_TO_CHANNEL,
                    now=now,
                    handoff_id=self.handoff_id,
                    payload={"channel": handoff.channel_id, "users": [handoff.ae_slack_id]},
                    dedupe_key=f"invite:{handoff.channel_id}:{handoff.ae_slack_id}"[:128],
                    once=True,
                )
            queue_write_back(session, crm=handoff.crm, handoff_id=self.handoff_id, now=now)
            repositories.record_audit(
                session,
                handoff_id=self.handoff_id,
                at=now,
                actor="handoff",
                action=AuditAction.CARD_POSTED,
                detail={"channel": handoff.channel_id, "ts": ts},
            )

    # -- settling -------------------------------------------------------------------------------
    def mark_rendered(self, version: int) -> None:
        with self._sessions.begin() as session:
            handoff = self._get(session)
            handoff.rendered_version = max(handoff.rendered_version, version)
            if handoff.card_lease_token == self._token:
                handoff.card_attempts = 0
                handoff.card_error = None
                handoff.card_lease_until = handoff.card_lease_token = None
                handoff.card_next_attempt_at = None

    def want_canvas(self, channel_id: str) -> None:
        """The deal channel's canvas shows the brief: bring it up to date (coalesced)."""
        with self._sessions.begin() as session:
            canvas_state.want(
                session, handoff_id=self.handoff_id, channel_id=channel_id, now=self._clock.now()
            )

    def wait_until(self, until: datetime) -> None:
        with self._sessions.begin() as session:
            self._wait(self._get(session), until)

    def _wait(self, handoff: Handoff, until: datetime) -> None:
        if handoff.card_lease_token == self._token:
            handoff.card_next_attempt_at = until
            handoff.card_lease_until = handoff.card_lease_token = None

    def defer(self, reason: str, *, wait: timedelta, refused: bool) -> bool:
        """Retry after ``wait``; only a refusal marks the card failing. ``True`` for the first
        failure of a run of them (or a new refusal): worth one line in the log."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            handoff = self._get(session)
            if handoff.card_lease_token != self._token:
                return False
            news = handoff.card_attempts == 0 or (refused and handoff.card_error != reason)
            handoff.card_attempts += 1
            handoff.card_next_attempt_at = now + wait
            handoff.card_error = reason if refused else None
            handoff.card_lease_until = handoff.card_lease_token = None
            return news

    def _get(self, session: Session) -> Handoff:
        handoff = session.get(Handoff, self.handoff_id, options=_ROW_ALONE)
        if handoff is None:
            raise LeaseLost(f"handoff {self.handoff_id} was deleted")
        return handoff


def _load_for_drawing(session: Session, handoff: Handoff) -> None:
    """Read what the card shows beyond the row while the session is still open: the handoff
    is drawn after its transaction, detached."""
    session.refresh(handoff, attribute_names=_DRAWN_RELATIONS)
