"""Context arriving from the deal channel: messages (new, edited, deleted) and the transcript
files shared there (queued for download; context_transcripts.py reads them).

Everything is keyed by where it came from (a message's channel and ts, a file's id, the API
body's id), so a delivery Slack or an automation tool repeats changes nothing. A deleted
message leaves a tombstone without its text: a late copy of the original cannot bring it back.
Each change queues one coalesced extraction for the handoff; nothing here reads a transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import PurePath
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.domain.clock import Clock
from bot.workflow.suggestion_rows import erase_findings, recount, withdraw
from storage import repositories
from storage.context_models import ContextSource
from storage.db import SessionFactory
from storage.enums import (
    ContextKind,
    ContextOrigin,
    ContextState,
    HandoffStatus,
    OutboxKind,
    OutboxStatus,
)
from storage.models import Handoff, OutboxMessage

TRANSCRIPT_EXTENSIONS = (".vtt", ".srt", ".txt", ".json")
# A new message is read this long after it arrives, with whatever else was said meanwhile.
MESSAGES_SETTLE = timedelta(seconds=30)
DATE_IN_NAME = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")


@dataclass(frozen=True, slots=True)
class SharedFile:
    id: str
    name: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class ChannelMessage:
    """A person's message in a channel, as the Events API delivered it."""

    channel: str
    ts: str
    user: str
    text: str
    thread_ts: str | None = None
    files: tuple[SharedFile, ...] = ()


def file_title(shared: SharedFile) -> tuple[str | None, datetime | None]:
    """A readable title from a file's name ("acme_discovery-2026-11-20.vtt" -> "acme discovery"),
    and the call's date when the name carries one (relative dates resolve against it)."""
    stem = shared.title or shared.name
    stem = PurePath(stem).stem if PurePath(stem).suffix.lower() in TRANSCRIPT_EXTENSIONS else stem
    found = DATE_IN_NAME.search(stem)
    day = None
    if found:
        try:
            day = datetime.combine(date.fromisoformat(found.group(0)), time(), tzinfo=UTC)
        except ValueError:
            day = None
        stem = (stem[: found.start()] + stem[found.end() :]).strip(" _-.")
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or None, day


def message_time(ts: str) -> datetime:
    return datetime.fromtimestamp(float(ts), UTC)


def hold_handoff(session: Session, handoff_id: int) -> None:
    """Serialise context changes of one handoff until commit, so that concurrent deliveries
    queue one extraction, not one each. Taken before inserting a source: the insert's foreign
    key takes a KEY SHARE lock, which NO KEY UPDATE does not conflict with (FOR UPDATE would,
    and two deliveries could deadlock). SQLite's BEGIN IMMEDIATE already serialises writers."""
    session.execute(
        select(Handoff.id).where(Handoff.id == handoff_id).with_for_update(key_share=True)
    )


def queue_extraction(
    session: Session, handoff_id: int, now: datetime, *, settle: timedelta = timedelta(0)
) -> None:
    """One pending extraction per handoff covers any number of changes. With ``settle``, a new
    one waits that long, so that a conversation is read once per burst, not once per message
    (each read of a day of messages may be a call to a remote model)."""
    hold_handoff(session, handoff_id)
    key = f"context:{handoff_id}"
    waiting = session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key == key,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.lease_until.is_(None),
        )
    )
    if waiting is not None:
        if not settle:  # a transcript is read now, whatever conversation is still settling
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == waiting, OutboxMessage.next_attempt_at > now)
                .values(next_attempt_at=now)
                .execution_options(synchronize_session=False)
            )
        return
    repositories.enqueue(
        session,
        kind=OutboxKind.CONTEXT_EXTRACT,
        now=now,
        handoff_id=handoff_id,
        payload={},
        dedupe_key=key,
    )
    if settle:
        session.flush()
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.dedupe_key == key, OutboxMessage.status == OutboxStatus.PENDING)
            .values(next_attempt_at=now + settle)
            .execution_options(synchronize_session=False)
        )


def find_source(session: Session, origin: ContextOrigin, external_id: str) -> ContextSource | None:
    return session.scalars(
        select(ContextSource).where(
            ContextSource.origin == origin, ContextSource.external_id == external_id
        )
    ).one_or_none()


def insert_source(session: Session, now: datetime, **values: Any) -> bool:
    """Insert unless this source is already stored (here, or by a concurrent delivery)."""
    if find_source(session, values["origin"], values["external_id"]) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(ContextSource(received_at=now, updated_at=now, **values))
    except IntegrityError:
        return False
    return True


class ContextIntake:
    def __init__(self, *, sessions: SessionFactory, clock: Clock, playbook: Playbook) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = playbook.context
        # Team channels are never a deal's channel, even while only one card lives there.
        self._shared = {
            playbook.channels.cs_channel_id,
            playbook.channels.fixed_channel_id if playbook.channels.strategy == "fixed" else None,
            playbook.sla.escalation_channel_id,
            playbook.reporting.channel_id,
            playbook.reporting.audit_channel_id,
        } - {None}

    # -- the deal channel ------------------------------------------------------------------
    def record_message(self, *, message: ChannelMessage) -> bool:
        """Store a message (and queue its transcript files) if it belongs to a deal; True if
        anything new was stored."""
        files = [f for f in message.files if f.name.lower().endswith(TRANSCRIPT_EXTENSIONS)]
        want_text = self._settings.slack_messages and bool(message.text.strip())
        want_files = self._settings.transcript_files and bool(files)
        if not (want_text or want_files):
            return False
        now = self._clock.now()
        with self._sessions.begin() as session:
            handoff_id = self._deal_of(session, message.channel, message.thread_ts)
            if handoff_id is None:
                return False
            hold_handoff(session, handoff_id)
            stored = False
            if want_text:
                stored |= insert_source(
                    session,
                    now,
                    origin=ContextOrigin.MESSAGE,
                    external_id=f"{message.channel}:{message.ts}",
                    kind=ContextKind.SLACK,
                    state=ContextState.READY,
                    handoff_id=handoff_id,
                    channel_id=message.channel,
                    message_ts=message.ts,
                    author=message.user,
                    said_at=message_time(message.ts),
                    segments=[{"speaker": None, "start": None, "text": message.text}],
                )
                if stored:
                    queue_extraction(session, handoff_id, now, settle=MESSAGES_SETTLE)
            for shared in files if want_files else []:
                stored |= self._queue_file(session, now, handoff_id, message, shared)
            return stored

    def edit_message(self, *, channel: str, ts: str, text: str, edited_ts: str | None) -> bool:
        """An edit replaces the text and what was found in it; an older edit arriving late
        changes nothing. Messages Handoff did not store stay unstored."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            source = find_source(session, ContextOrigin.MESSAGE, f"{channel}:{ts}")
            if (
                source is None
                or source.state is not ContextState.READY
                or source.handoff_id is None
            ):
                return False
            if edited_ts and source.edited_ts and float(edited_ts) <= float(source.edited_ts):
                return False
            if (source.segments or [{}])[0].get("text") == text:
                return False  # e.g. a link unfurled: the words did not change
            source.segments = [{"speaker": None, "start": None, "text": text}]
            source.edited_ts, source.updated_at, source.extracted_at = edited_ts, now, None
            withdraw(session, [source.id])
            self._recount(session, source.handoff_id, now)
            queue_extraction(session, source.handoff_id, now, settle=MESSAGES_SETTLE)
            return True

    def delete_message(self, *, channel: str, ts: str) -> bool:
        """Honour a deletion: the message's text, any transcript it shared and everything found
        in them go; a tombstone stays so that a late retry of the message adds nothing."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            sources = list(
                session.scalars(
                    # The message, and any transcript file shared with it.
                    select(ContextSource).where(
                        ContextSource.channel_id == channel, ContextSource.message_ts == ts
                    )
                )
            )
            if not sources:
                handoff_id = self._deal_of(session, channel, None)
                if handoff_id is None:
                    return False
                self._tombstone(session, now, handoff_id, channel, ts)
                return True
            erase_findings(session, [s.id for s in sources])
            for source in sources:
                source.state, source.segments, source.title = ContextState.DELETED, None, None
                source.updated_at = now
            for handoff_id in {s.handoff_id for s in sources if s.handoff_id}:
                self._recount(session, handoff_id, now)
            return True

    # -- helpers ---------------------------------------------------------------------------
    def _deal_of(self, session: Session, channel: str, thread_ts: str | None) -> int | None:
        """The live deal a channel message belongs to: a reply in a card's thread belongs to
        that card; otherwise the channel must be the channel of exactly one deal (and not a
        team channel such as the CS channel)."""
        candidates = session.execute(
            select(Handoff.id, Handoff.channel_id, Handoff.card_ts).where(
                or_(Handoff.channel_id == channel, Handoff.requested_channel_id == channel),
                Handoff.status != HandoffStatus.CANCELLED,
            )
        ).all()
        if thread_ts:
            for handoff_id, card_channel, card_ts in candidates:
                if card_channel == channel and card_ts == thread_ts:
                    return int(handoff_id)
        if channel in self._shared or len(candidates) != 1:
            return None
        return int(candidates[0][0])

    def _queue_file(
        self,
        session: Session,
        now: datetime,
        handoff_id: int,
        message: ChannelMessage,
        shared: SharedFile,
    ) -> bool:
        title, day = file_title(shared)
        stored = insert_source(
            session,
            now,
            origin=ContextOrigin.FILE,
            external_id=shared.id,
            kind=ContextKind.CALL,
            state=ContextState.DOWNLOADING,
            handoff_id=handoff_id,
            channel_id=message.channel,
            message_ts=message.ts,
            author=message.user,
            title=title[:500] if title else None,
            said_at=day or message_time(message.ts),
        )
        if stored:
            source = find_source(session, ContextOrigin.FILE, shared.id)
            assert source is not None
            repositories.enqueue(
                session,
                kind=OutboxKind.CONTEXT_FILE,
                now=now,
                handoff_id=handoff_id,
                payload={"source_id": source.id, "name": shared.name},
                dedupe_key=f"context-file:{source.id}",
            )
        return stored

    def _tombstone(
        self, session: Session, now: datetime, handoff_id: int, channel: str, ts: str
    ) -> None:
        insert_source(
            session,
            now,
            origin=ContextOrigin.MESSAGE,
            external_id=f"{channel}:{ts}",
            kind=ContextKind.SLACK,
            state=ContextState.DELETED,
            handoff_id=handoff_id,
            channel_id=channel,
            message_ts=ts,
            said_at=message_time(ts),
        )

    @staticmethod
    def _recount(session: Session, handoff_id: int, now: datetime) -> None:
        handoff = repositories.lock_handoff(session, handoff_id)
        if handoff is not None:
            recount(session, handoff, now)
