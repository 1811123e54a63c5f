"""One card as the relay holds it: its lease, its turn in the channel, and what happened.

Every method is one short transaction; the ones that write check the lease token first, so a
process that lost its lease (it was slower than the lease) changes nothing another holds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

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


class CardState:
    def __init__(self, sessions: SessionFactory, clock: Clock, handoff_id: int, token: str) -> None:
        self._sessions = sessions
        self._clock = clock
        self.handoff_id = handoff_id
        self._token = token
        self.attempts = 0

    # -- the lease ------------------------------------------------------------------------------
    def lease(self) -> bool:
        now = self._clock.now()
        with self._sessions.begin() as session:
            return coordination.lease_card(
                session, handoff_id=self.handoff_id, token=self._token, now=now, until=now + LEASE
            )

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

    # -- reading and small updates --------------------------------------------------------------
    def read(self) -> Handoff:
        """The handoff with its fields, detached (read in a transaction of its own)."""
        with self._sessions.begin() as session:
            handoff = repositories.get_handoff(session, self.handoff_id)
            if handoff is None:
                raise LeaseLost(f"handoff {self.handoff_id} was deleted")
            self.attempts = handoff.card_attempts
            return handoff

    def set_ae(self, email: str, user_id: str | None) -> None:
        now = self._clock.now()
        with self._sessions.begin() as session:
            handoff = self._get(session)
            if handoff.ae_email == email:
                handoff.ae_slack_id = user_id
                handoff.ae_lookup_done = True
            if user_id is None:
                repositories.enqueue(
                    session,
                    kind=OutboxKind.NOTIFY_ADMINS,
                    now=now,
                    payload={
                        "text": f"No Slack user has the email {email}, the AE of "
                        f"{handoff.deal_name}. Their handoff cards show the email instead of "
                        "a mention until their Slack profile uses it."
                    },
                    dedupe_key=f"unmapped-ae:{email}"[:128],
                    once=True,
                )

    def set_channel(self, channel_id: str) -> None:
        with self._sessions.begin() as session:
            self._get(session).channel_id = channel_id

    # -- posting --------------------------------------------------------------------------------
    def take_turn_to_post(self, channel_id: str, pace: timedelta) -> None:
        """Return when this process may post the card now (the intent is then recorded);
        raise ``Later`` until the channel's turn, ``LeaseLost`` if the card is not ours."""
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
            if wait_until is None:
                handoff.card_post_intent_at, handoff.card_slot_at = now, None
            else:
                handoff.card_slot_at = slot  # keep the reserved turn: no queue-jumping
        if wait_until is not None:
            raise Later(wait_until)  # not a failure: the channel's turn comes then

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
            handoff = self._get(session)
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
        handoff = session.get(Handoff, self.handoff_id)
        if handoff is None:
            raise LeaseLost(f"handoff {self.handoff_id} was deleted")
        return handoff
