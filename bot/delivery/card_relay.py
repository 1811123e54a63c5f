"""The relay: makes Slack show what the database says, retrying until it does.

A card is a pure function of its handoff's state. Whenever ``state_version`` is ahead of
``rendered_version`` the card is (re-)rendered, so a lost update heals and bursts coalesce.
Posting a new message is the one call that is not idempotent: the intent is recorded first,
and before any retry the channel is searched for a message carrying the handoff's metadata.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.delivery.outbox import LEASE, OutboxDispatcher, RelayReport, backoff
from bot.delivery.ports import CardRenderer, SlackGateway, SlackRejected, SlackUnavailable
from bot.domain.clock import Clock
from bot.domain.snapshot import card_snapshot
from bot.workflow.recorder import queue_write_back
from storage import repositories
from storage.db import SessionFactory
from storage.enums import AuditAction, HandoffStatus, OutboxKind, OutboxStatus
from storage.models import Handoff, OutboxMessage

log = logging.getLogger(__name__)

CARD_EVENT_TYPE = "handoff_card"
RECONCILE_MARGIN = timedelta(minutes=5)
CHANNEL_PACE = timedelta(seconds=1)
REJECTED_RETRY = timedelta(hours=1)


class CardRelay:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        slack: SlackGateway,
        playbook: Playbook,
        render: CardRenderer,
        outbox: OutboxDispatcher,
        batch_size: int = 50,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._slack = slack
        self._playbook = playbook
        self._render = render
        self._outbox = outbox
        self._batch_size = batch_size
        self._last_post_by_channel: dict[str, datetime] = {}

    def run_once(self) -> RelayReport:
        report = RelayReport()
        now = self._clock.now()
        with self._sessions.begin() as session:
            due = repositories.handoffs_with_stale_cards(session, now=now, limit=self._batch_size)
        for handoff_id in due:
            with self._sessions.begin() as session:
                leased = repositories.lease_card(
                    session, handoff_id=handoff_id, now=now, until=now + LEASE
                )
            if leased:
                self._sync_card(handoff_id, report)
        self._outbox.run_once(report)
        return report

    def _sync_card(self, handoff_id: int, report: RelayReport) -> None:
        try:
            self._render_card(handoff_id, report)
        except SlackUnavailable as error:
            self._defer(handoff_id, str(error), retry_after=error.retry_after, rejected=False)
            report.deferred += 1
        except SlackRejected as error:
            log.error("Slack rejected the card of handoff %s: %s", handoff_id, error.error)
            self._defer(handoff_id, error.error, retry_after=None, rejected=True)
            report.failed += 1
            report.errors.append(error.error)

    def _render_card(self, handoff_id: int, report: RelayReport) -> None:
        # Slack calls happen between short transactions, never inside one: a slow Slack
        # must not hold a database lock that incoming CRM events are waiting for.
        self._resolve_ae(handoff_id)
        channel = self._resolve_channel(handoff_id)
        with self._handoff(handoff_id) as (_session, handoff):
            snapshot = card_snapshot(handoff, self._playbook)
            card_ts, intent = handoff.card_ts, handoff.card_post_intent_at
        message = self._render(snapshot)

        if card_ts is None and intent is not None:
            card_ts = self._slack.find_message_by_metadata(
                channel=channel,
                event_type=CARD_EVENT_TYPE,
                key="handoff_id",
                value=str(handoff_id),
                oldest=intent - RECONCILE_MARGIN,
            )
            if card_ts is not None:
                log.info("found the card of handoff %s already posted (ts %s)", handoff_id, card_ts)
                self._store_ts(handoff_id, card_ts)

        if card_ts is None:
            now = self._clock.now()
            last = self._last_post_by_channel.get(channel)
            if last is not None and now - last < CHANNEL_PACE:
                raise SlackUnavailable("pacing posts to this channel", retry_after=1.0)
            self._record_intent(handoff_id, now)
            self._last_post_by_channel[channel] = now
            metadata = {"handoff_id": str(handoff_id), "deal_id": snapshot.deal_id}
            card_ts = self._slack.post_message(
                channel=channel, message=message, metadata=(CARD_EVENT_TYPE, metadata)
            )
            self._store_ts(handoff_id, card_ts)
            report.posted += 1
        else:
            self._slack.update_message(channel=channel, ts=card_ts, message=message)
            report.updated += 1
        self._mark_rendered(handoff_id, snapshot.version)

    def _resolve_ae(self, handoff_id: int) -> None:
        with self._handoff(handoff_id) as (session, handoff):
            email = None if handoff.ae_lookup_done else handoff.ae_email
        if not email:
            return
        user_id = self._slack.lookup_user_id(email)
        if user_id is None:
            log.warning("no Slack user has the email %s; the card shows the email", email)
        with self._handoff(handoff_id) as (session, handoff):
            if handoff.ae_email == email:
                handoff.ae_slack_id = user_id
                handoff.ae_lookup_done = True
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

    def _resolve_channel(self, handoff_id: int) -> str:
        with self._handoff(handoff_id) as (session, handoff):
            if handoff.channel_id is not None:
                return handoff.channel_id
            requested = handoff.requested_channel_id
            name_source = handoff.account_name or handoff.deal_name
            upcoming = handoff.status is HandoffStatus.UPCOMING
        channels = self._playbook.channels
        # An early introduction goes to the CS team; the card stays there once the deal
        # closes, so the thread and the owner carry on.
        given = (
            channels.cs_channel_id
            if upcoming and channels.cs_channel_id
            else requested or (channels.fixed_channel_id if channels.strategy == "fixed" else None)
        )
        channel_id: str | None
        if given:
            channel_id = given
            self._slack.join_channel(channel_id)
        else:
            name = channel_name(channels.name_prefix, name_source)
            channel_id = self._slack.create_channel(name) or self._slack.find_channel_id(name)
            if channel_id is None:
                raise SlackRejected(f"channel #{name} exists but the bot cannot see it")
        now = self._clock.now()
        with self._handoff(handoff_id) as (session, handoff):
            handoff.channel_id = channel_id
            if handoff.ae_slack_id:
                session.add(
                    OutboxMessage(
                        kind=OutboxKind.INVITE_TO_CHANNEL,
                        handoff_id=handoff_id,
                        payload={"channel": channel_id, "users": [handoff.ae_slack_id]},
                        status=OutboxStatus.PENDING,
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
        return channel_id

    @contextmanager
    def _handoff(self, handoff_id: int) -> Iterator[tuple[Session, Handoff]]:
        """One transaction on a handoff the relay leased (a lease is only taken on a row)."""
        with self._sessions.begin() as session:
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                raise SlackRejected(f"handoff {handoff_id} was deleted")
            yield session, handoff

    def _record_intent(self, handoff_id: int, now: datetime) -> None:
        with self._handoff(handoff_id) as (_session, handoff):
            handoff.card_post_intent_at = now

    def _store_ts(self, handoff_id: int, ts: str) -> None:
        with self._handoff(handoff_id) as (session, handoff):
            handoff.card_ts = ts
            queue_write_back(session, crm=handoff.crm, handoff_id=handoff_id, now=self._clock.now())
            repositories.record_audit(
                session,
                handoff_id=handoff_id,
                at=self._clock.now(),
                actor="handoff",
                action=AuditAction.CARD_POSTED,
                detail={"channel": handoff.channel_id, "ts": ts},
            )

    def _mark_rendered(self, handoff_id: int, version: int) -> None:
        with self._handoff(handoff_id) as (_session, handoff):
            handoff.rendered_version = max(handoff.rendered_version, version)
            handoff.card_attempts = 0
            handoff.card_error = None
            handoff.card_lease_until = None
            handoff.card_next_attempt_at = None

    def _defer(
        self, handoff_id: int, reason: str, *, retry_after: float | None, rejected: bool
    ) -> None:
        now = self._clock.now()
        with self._handoff(handoff_id) as (_session, handoff):
            handoff.card_attempts += 1
            wait = REJECTED_RETRY if rejected else backoff(handoff.card_attempts)
            if retry_after is not None:
                wait = max(wait, timedelta(seconds=retry_after))
            handoff.card_next_attempt_at = now + wait
            handoff.card_error = reason
            handoff.card_lease_until = None


def channel_name(prefix: str, source: str) -> str:
    """A valid Slack channel name: lowercase, at most 80 characters of [a-z0-9_-]."""
    ascii_text = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_-]+", "-", ascii_text.lower()).strip("-_") or "deal"
    return (prefix + slug)[:80].rstrip("-_")
