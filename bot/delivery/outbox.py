"""The outbox dispatcher: side effects recorded with a state change, delivered until done."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.config.playbook import Playbook
from bot.delivery.nudges import Later, NudgeDelivery
from bot.delivery.ports import (
    HomeRenderer,
    InviteRenderer,
    NoteRenderer,
    RenderedMessage,
    ReportRenderer,
    SlackGateway,
    SlackRejected,
    SlackUnavailable,
)
from bot.domain.clock import Clock
from bot.domain.read_models import HandoffCard
from bot.domain.snapshot import card_snapshot
from storage import repositories
from storage.db import SessionFactory
from storage.enums import OutboxKind, OutboxStatus
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

# A lease outlives any one Slack call (the client times out after 10 s) and is renewed or taken
# per item, with the clock read when it is taken.
LEASE = timedelta(seconds=60)
SLACK_KINDS = (
    OutboxKind.INVITE_TO_CHANNEL,
    OutboxKind.THREAD_NOTE,
    OutboxKind.PUBLISH_HOME,
    OutboxKind.NOTIFY_ADMINS,
    OutboxKind.NUDGE,
    OutboxKind.ESCALATION,
    OutboxKind.SYNC_INVITE,
    OutboxKind.WEEKLY_REPORT,
    OutboxKind.AUDIT_SAMPLE,
)
MAX_BACKOFF = timedelta(minutes=5)


@dataclass
class RelayReport:
    posted: int = 0
    updated: int = 0
    waiting: int = 0  # cards waiting for their channel's turn: not failures
    deferred: int = 0
    failed: int = 0
    outbox_done: int = 0
    # The brief's canvas, apart from the card's figures: created or edited, and delayed.
    canvases_written: int = 0
    canvases_waiting: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    return min(MAX_BACKOFF, timedelta(seconds=2 ** min(attempts, 10)))


@dataclass(frozen=True, slots=True)
class LeasedMessage:
    id: int
    kind: OutboxKind
    handoff_id: int | None
    payload: dict[str, Any]
    attempts: int = 0


def due_messages(
    sessions: SessionFactory,
    *,
    kinds: tuple[OutboxKind, ...],
    now: datetime,
    limit: int,
    crm: str | None = None,
) -> list[int]:
    """The due messages of these kinds (with ``crm``: that CRM's), oldest first; not leased."""
    with sessions.begin() as session:
        return list(
            repositories.due_outbox_ids(session, now=now, limit=limit, kinds=kinds, crm=crm)
        )


def lease_message(
    sessions: SessionFactory, message_id: int, *, now: datetime, hold: timedelta = LEASE
) -> LeasedMessage | None:
    """Take one message for this process, right before delivering it: a lease taken with the
    current time, so however slow the deliveries before it, it is never born expired. ``hold``
    must outlast the delivery itself."""
    with sessions.begin() as session:
        if not repositories.lease_outbox(session, message_id=message_id, now=now, until=now + hold):
            return None
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        return LeasedMessage(row.id, row.kind, row.handoff_id, dict(row.payload), row.attempts)


def lease_due(
    sessions: SessionFactory,
    *,
    kinds: tuple[OutboxKind, ...],
    now: datetime,
    limit: int,
    crm: str | None = None,
) -> list[LeasedMessage]:
    """Take the due messages of these kinds (with ``crm``: that CRM's) for this process, with
    a lease other replicas respect."""
    with sessions.begin() as session:
        due = repositories.due_outbox_ids(session, now=now, limit=limit, kinds=kinds, crm=crm)
    leased = []
    for message_id in due:
        with sessions.begin() as session:
            if repositories.lease_outbox(
                session, message_id=message_id, now=now, until=now + LEASE
            ):
                row = session.get(OutboxMessage, message_id)
                assert row is not None
                leased.append(
                    LeasedMessage(row.id, row.kind, row.handoff_id, dict(row.payload), row.attempts)
                )
    return leased


def settle(
    sessions: SessionFactory,
    message_id: int,
    *,
    now: datetime,
    error: str | None = None,
    retry_after: float | None = None,
    failed: bool = False,
    later: datetime | None = None,
) -> None:
    """Record how a delivery went: done, failed for good, retried with back-off, or later."""
    with sessions.begin() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        message.lease_until = None
        message.last_error = error
        if later is not None:
            message.next_attempt_at = later
        elif error is None:
            message.status = OutboxStatus.DONE
        elif failed:
            message.status = OutboxStatus.FAILED
        else:
            message.attempts += 1
            wait = backoff(message.attempts)
            if retry_after is not None:
                wait = max(wait, timedelta(seconds=retry_after))
            message.next_attempt_at = now + wait


class OutboxDispatcher:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        slack: SlackGateway,
        playbook: Playbook,
        render_note: NoteRenderer,
        render_home: HomeRenderer,
        nudges: NudgeDelivery,
        render_invite: InviteRenderer,
        render_report: ReportRenderer,
        expand: Callable[[str], list[str]],
        batch_size: int = 50,
        yield_to_requests: Callable[[], object] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._slack = slack
        self._playbook = playbook
        self._yield_to_requests = yield_to_requests
        self._render_note = render_note
        self._render_home = render_home
        self._nudges = nudges
        self._render_invite = render_invite
        self._render_report = render_report
        self._expand = expand  # a user id or @handle -> user ids (groups resolved)
        self._batch_size = batch_size

    def run_once(self, report: RelayReport) -> None:
        due = due_messages(
            self._sessions, kinds=SLACK_KINDS, now=self._clock.now(), limit=self._batch_size
        )
        for message_id in due:
            self._yield_to_requests()  # acks first, as the card relay does
            message = lease_message(self._sessions, message_id, now=self._clock.now())
            if message is not None:
                self._run(message, report)

    def _run(self, message: LeasedMessage, report: RelayReport) -> None:
        what = f"{message.kind.value} {message.id} (handoff {message.handoff_id})"
        try:
            self._deliver(message.kind, message.payload, message.handoff_id)
        except Later as later:
            self._settle(message.id, later=later.until)
        except SlackUnavailable as error:
            if message.attempts == 0:
                log.warning("%s delayed, Slack unavailable: %s", what, error)
            self._settle(message.id, error=str(error), retry_after=error.retry_after)
        except SlackRejected as error:
            log.warning("%s refused by Slack, not retried: %s", what, error.error)
            self._settle(message.id, error=error.error, failed=True)
        else:
            if message.attempts:
                log.info("%s delivered after %s failed attempt(s)", what, message.attempts)
            self._settle(message.id)
            report.outbox_done += 1

    def _deliver(
        self, kind: OutboxKind, payload: dict[str, object], handoff_id: int | None
    ) -> None:
        if kind is OutboxKind.INVITE_TO_CHANNEL:
            users = payload["users"]
            assert isinstance(users, list)
            channel = str(payload["channel"])
            # Only people not in the channel yet: an invitation is no way to ask.
            missing = sorted({str(user) for user in users} - self._slack.channel_members(channel))
            if missing:
                self._slack.invite(channel, missing)
        elif kind in (OutboxKind.WEEKLY_REPORT, OutboxKind.AUDIT_SAMPLE):
            message, chart = self._render_report(kind, payload)
            target = str(payload["to"])
            self._slack.post_message(channel=target, message=message)
            if chart is not None:
                self._slack.send_file(
                    to=target,
                    message=RenderedMessage(text="", blocks=[]),
                    filename="handoff-kpis.png",
                    content=chart,
                )
        elif kind is OutboxKind.SYNC_INVITE:
            assert handoff_id is not None
            self._send_invite(str(payload["to"]), self._card(handoff_id))
        elif kind in (OutboxKind.NUDGE, OutboxKind.ESCALATION):
            assert handoff_id is not None
            self._nudges.deliver(kind, payload, self._card(handoff_id))
        elif kind is OutboxKind.THREAD_NOTE:
            assert handoff_id is not None
            card = self._card(handoff_id)
            if card.channel_id is None or card.card_ts is None:
                raise SlackUnavailable("the card is not posted yet; the note waits for it")
            self._slack.post_message(
                channel=card.channel_id,
                message=self._render_note(payload, card),
                thread_ts=card.card_ts,
            )
        elif kind is OutboxKind.PUBLISH_HOME:
            user_id = str(payload["user_id"])
            self._slack.publish_home(user_id=user_id, view=self._render_home(user_id))
        elif kind is OutboxKind.NOTIFY_ADMINS:
            admins = sorted(
                {user for entry in self._playbook.team.admins for user in self._expand(entry)}
            )
            if not admins:
                log.error("no admin (team.admins) to tell: %s", payload["text"])
            message = RenderedMessage(text=f":rotating_light: {payload['text']}", blocks=[])
            for admin in admins:
                self._slack.post_message(channel=admin, message=message)

    def _send_invite(self, user_id: str, card: HandoffCard) -> None:
        if card.sync_at is None or card.sync_minutes is None:
            return  # the sync was moved or cancelled since
        message, content = self._render_invite(card, self._clock.now())
        self._slack.send_file(
            to=user_id, message=message, filename="handoff-sync.ics", content=content
        )

    def _card(self, handoff_id: int) -> HandoffCard:
        with self._sessions.begin() as session:
            handoff = repositories.get_handoff(session, handoff_id)
            assert handoff is not None
            return card_snapshot(handoff, self._playbook)

    def _settle(self, message_id: int, **outcome: Any) -> None:
        settle(self._sessions, message_id, now=self._clock.now(), **outcome)
