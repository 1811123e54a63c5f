"""The relay: makes Slack show what the database says, retrying until it does.

A card is a pure function of its handoff's state. Whenever ``state_version`` is ahead of
``rendered_version`` the card is (re-)rendered, so a lost update heals and bursts coalesce.

Posting a new message is the one call that is not idempotent, so it follows a protocol:

- **Leases per card.** Each card is leased with the clock read when it is taken, under a token;
  the lease is renewed (a conditional UPDATE on the token) before every Slack call. Right
  before ``chat.postMessage`` the same UPDATE also records the intent to post, so no process
  posts a card another one may be posting: the lease outlives the client's timeout.
- **Shared pace.** Slack takes about one message per second per channel. A card reserves its
  channel's next free turn in the database (``channel_pace``), shared by every replica, and
  posts when it comes; waiting for a turn is not a failure. A burst of N cards to C channels
  takes about N/C seconds.
- **Reconciliation.** Only an answer that may have been lost (a reset, a timeout, a 5xx)
  leaves the intent standing; a minute later (``RECONCILE_DELAY``: no request is still in
  flight by then) the retry first searches the channel for a message carrying the card's
  metadata, whichever process holds the card by then. A 429 or a refusal means nothing was
  posted: the retry posts directly. When the search itself is impossible (``missing_scope``,
  ``not_in_channel``, or rate limited for longer than ``RECONCILE_PATIENCE``) the card is
  posted anyway and a warning logged: a second copy is then possible only if that lost answer
  had in fact posted the first.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from bot.config.playbook import Playbook
from bot.delivery.canvas_upkeep import CanvasUpkeep
from bot.delivery.card_state import NOTHING_RESOLVED, CardState, LeaseLost, Resolved, TurnLater
from bot.delivery.nudges import Later
from bot.delivery.outbox import OutboxDispatcher, RelayReport, backoff
from bot.delivery.ports import (
    CardRenderer,
    RenderedMessage,
    SlackGateway,
    SlackRejected,
    SlackUnavailable,
)
from bot.domain.clock import Clock
from bot.domain.snapshot import card_snapshot
from storage import coordination
from storage.db import SessionFactory
from storage.enums import HandoffStatus
from storage.models import Handoff

log = logging.getLogger(__name__)

CARD_EVENT_TYPE = "handoff_card"
RECONCILE_MARGIN = timedelta(minutes=5)
# How long after a post whose answer was lost its outcome is settled: the client gives up after
# 10 s, and a request Slack has not finished within a minute of receiving it is not coming.
RECONCILE_DELAY = timedelta(minutes=1)
RECONCILE_PATIENCE = timedelta(minutes=15)
# Searches that can never succeed: post without one.
UNSEARCHABLE = ("missing_scope", "not_in_channel", "channel_not_found", "not_allowed_token_type")
REJECTED_RETRY = timedelta(hours=1)
CHANNEL_PACE = timedelta(seconds=1)


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
        canvases: CanvasUpkeep | None = None,
        batch_size: int = 50,
        yield_to_requests: Callable[[], object] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._yield_to_requests = yield_to_requests
        self._clock = clock
        self._slack = slack
        self._playbook = playbook
        self._render = render
        self._outbox = outbox
        self._canvases = canvases
        self._batch_size = batch_size
        self._joined: set[str] = set()

    def run_once(self) -> RelayReport:
        report = RelayReport()
        with self._sessions.begin() as session:
            due = coordination.cards_due(session, now=self._clock.now(), limit=self._batch_size)
        for handoff_id in due:
            # Python runs one thread at a time: a card rendered while people's clicks are being
            # acknowledged makes each ack wait, so the acks go first.
            self._yield_to_requests()
            card = CardState(self._sessions, self._clock, handoff_id, uuid.uuid4().hex)
            # The clock is read per card: a slow batch never hands out leases already expired.
            handoff = card.lease_and_read()
            if handoff is not None:
                self._sync_card(card, handoff, report)
        self._outbox.run_once(report)
        if self._canvases is not None:
            self._canvases.run_once(report)
        return report

    def _sync_card(self, card: CardState, handoff: Handoff, report: RelayReport) -> None:
        try:
            self._render_card(card, handoff, report)
        except LeaseLost:
            log.info("handoff %s: the card's lease passed to another process", card.handoff_id)
        except Later as later:
            if not isinstance(later, TurnLater):  # a turn's wait is stored with the turn
                card.wait_until(later.until)
            report.waiting += 1
        except SlackUnavailable as error:
            if card.defer(str(error), wait=_transient_wait(card, error), refused=False):
                log.warning(
                    "handoff %s: card delayed, Slack unavailable: %s", card.handoff_id, error
                )
            report.deferred += 1
        except SlackRejected as error:
            if card.defer(error.error, wait=REJECTED_RETRY, refused=True):
                log.warning("handoff %s: Slack refused the card: %s", card.handoff_id, error.error)
            report.failed += 1
            report.errors.append(error.error)

    def _render_card(self, card: CardState, handoff: Handoff, report: RelayReport) -> None:
        # Slack calls happen between short transactions, never inside one: a slow Slack
        # must not hold a database lock that incoming CRM events are waiting for.
        channel = handoff.channel_id or self._choose_channel(card, handoff)
        resolved = Resolved(
            ae=self._look_up_ae(handoff), channel_id=None if handoff.channel_id else channel
        )
        card_ts, intent = handoff.card_ts, handoff.card_post_intent_at
        if card_ts is not None or intent is not None:
            card.store(resolved)
            resolved.apply_to(handoff)  # a posted card is drawn from the handoff read here
            resolved = NOTHING_RESOLVED
        if card_ts is None and intent is not None:
            card_ts = self._reconcile(card, channel, intent)
            if card_ts is not None:  # the lost answer had posted it: update it
                handoff = card.read()
        if card_ts is None:
            # In a burst most new cards wait for their turn in the channel (TurnLater): what
            # was looked up is stored with the turn, and they are drawn when it comes.
            handoff = card.take_turn_to_post(channel, CHANNEL_PACE, resolved)
        snapshot = card_snapshot(handoff, self._playbook)
        message = self._render(snapshot)
        if card_ts is None:
            metadata = {"handoff_id": str(card.handoff_id), "deal_id": snapshot.deal_id}
            card_ts = self._post(card, channel, message, metadata)
            card.store_ts(card_ts, invite_ae=self._invites_ae(channel))
            report.posted += 1
        else:
            card.hold()
            self._slack.update_message(channel=channel, ts=card_ts, message=message)
            report.updated += 1
        card.mark_rendered(snapshot.version)
        if self._canvases is not None and self._invites_ae(channel):
            card.want_canvas(channel)  # the brief may have changed with the card
        if card.attempts:
            log.info(
                "handoff %s: card delivered after %s failed attempt(s)",
                card.handoff_id,
                card.attempts,
            )

    def _post(
        self, card: CardState, channel: str, message: RenderedMessage, metadata: dict[str, str]
    ) -> str:
        try:
            return self._post_joining(card, channel, message, metadata)
        except SlackRejected:
            card.forget_intent()  # refused: nothing was posted
            raise
        except SlackUnavailable as error:
            if not error.maybe_done:
                card.forget_intent()
            raise

    def _post_joining(
        self, card: CardState, channel: str, message: RenderedMessage, metadata: dict[str, str]
    ) -> str:
        """Post; if the bot is not in the channel (nothing was posted), join it and post again.
        Joining is tried only then, once per channel: a burst to channels the bot is in costs
        no join at all."""
        post = partial(
            self._slack.post_message,
            channel=channel,
            message=message,
            metadata=(CARD_EVENT_TYPE, metadata),
        )
        try:
            return post()
        except SlackRejected as error:
            if not error.error.endswith("not_in_channel") or channel in self._joined:
                self._joined.discard(channel)  # removed since? the next attempt joins again
                raise
        self._slack.join_channel(channel)
        self._joined.add(channel)
        card.hold()
        return post()

    def _reconcile(self, card: CardState, channel: str, intent: datetime) -> str | None:
        """The card's ts if the post whose answer was lost did go through."""
        settled = intent + RECONCILE_DELAY
        if self._clock.now() < settled:
            raise Later(settled)  # a request Slack may still be working on: look once it is done
        card.hold()
        try:
            card_ts = self._slack.find_message_by_metadata(
                channel=channel,
                event_type=CARD_EVENT_TYPE,
                key="handoff_id",
                value=str(card.handoff_id),
                oldest=intent - RECONCILE_MARGIN,
            )
        except SlackRejected as error:
            if not error.error.endswith(UNSEARCHABLE):
                raise
            log.warning(
                "handoff %s: cannot search the channel for a card whose answer was lost (%s); "
                "posting it again",
                card.handoff_id,
                error.error,
            )
            return None
        except SlackUnavailable as error:
            if error.maybe_done or self._clock.now() - intent < RECONCILE_PATIENCE:
                raise
            log.warning(
                "handoff %s: the channel's history stayed rate limited for %s; posting the card",
                card.handoff_id,
                RECONCILE_PATIENCE,
            )
            return None
        if card_ts is not None:
            log.info("handoff %s: found the card already posted (ts %s)", card.handoff_id, card_ts)
            card.store_ts(card_ts, invite_ae=self._invites_ae(channel))
        return card_ts

    def _look_up_ae(self, handoff: Handoff) -> tuple[str, str | None] | None:
        """The AE's email and Slack user id when they are still to be stored."""
        email = None if handoff.ae_lookup_done else handoff.ae_email
        if not email:
            return None
        user_id = self._slack.lookup_user_id(email)
        if user_id is None:
            log.warning("no Slack user has the email %s; the card shows the email", email)
        return email, user_id

    def _choose_channel(self, card: CardState, handoff: Handoff) -> str:
        """The channel of a card that has none yet (created if the playbook says so)."""
        channels = self._playbook.channels
        # An early introduction goes to the CS team; the card stays there once the deal
        # closes, so the thread and the owner carry on.
        channel_id: str | None
        if handoff.status is HandoffStatus.UPCOMING and channels.cs_channel_id:
            channel_id = channels.cs_channel_id
        elif handoff.requested_channel_id:
            channel_id = handoff.requested_channel_id
        elif channels.strategy == "fixed":
            channel_id = channels.fixed_channel_id
        else:
            name = channel_name(channels.name_prefix, handoff.account_name or handoff.deal_name)
            card.hold()
            channel_id = self._slack.create_channel(name) or self._slack.find_channel_id(name)
            if channel_id is None:
                raise SlackRejected(f"channel #{name} exists but the bot cannot see it")
        assert channel_id is not None
        return channel_id

    def _invites_ae(self, channel_id: str) -> bool:
        """The AE joins a deal's own channel; shared ones (the CS channel, the fixed one) are
        left as their owners keep them."""
        channels = self._playbook.channels
        return channel_id not in (channels.cs_channel_id, channels.fixed_channel_id)


def _transient_wait(card: CardState, error: SlackUnavailable) -> timedelta:
    wait = backoff(card.attempts + 1)
    if error.retry_after is not None:
        wait = max(wait, timedelta(seconds=error.retry_after))
    return wait


def channel_name(prefix: str, source: str) -> str:
    """A valid Slack channel name: lowercase, at most 80 characters of [a-z0-9_-]."""
    ascii_text = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_-]+", "-", ascii_text.lower()).strip("-_") or "deal"
    return (prefix + slug)[:80].rstrip("-_")
