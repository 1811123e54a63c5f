"""Transcripts: a file shared in the deal channel, once downloaded, and the body of
`POST /context/transcripts`, signed like `/crm/events`.

A transcript for a deal Handoff has not seen yet is kept with the deal's id and attached when
the deal's first CRM event arrives (context_upkeep.py), within retention_days. The body's `id`
is the idempotency key: the same id again is answered as a duplicate and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select

from bot.config.playbook import Playbook
from bot.context import TranscriptError, parse_submission, parse_transcript
from bot.domain.clock import Clock
from bot.domain.errors import InvalidEvent
from bot.workflow.context_intake import (
    find_source,
    hold_handoff,
    insert_source,
    queue_extraction,
)
from storage.context_models import ContextSource
from storage.db import SessionFactory
from storage.enums import ContextKind, ContextOrigin, ContextState
from storage.models import Handoff


@dataclass(frozen=True, slots=True)
class Submitted:
    """What `POST /context/transcripts` did with a body."""

    source_id: int
    handoff_id: int | None
    duplicate: bool
    segments: int


@dataclass(frozen=True, slots=True)
class FileToFetch:
    file_id: str
    channel: str | None
    shared_by: str | None


class TranscriptIntake:
    def __init__(self, *, sessions: SessionFactory, clock: Clock, playbook: Playbook) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = playbook.context

    @property
    def api_enabled(self) -> bool:
        return self._settings.transcript_api

    # -- transcript files ------------------------------------------------------------------
    def file_to_fetch(self, *, source_id: int) -> FileToFetch | None:
        """A shared file still waiting for its download, and who shared it where."""
        with self._sessions.begin() as session:
            source = session.get(ContextSource, source_id)
            if source is None or source.state is not ContextState.DOWNLOADING:
                return None
            return FileToFetch(source.external_id, source.channel_id, source.author)

    def file_downloaded(self, *, source_id: int, name: str, content: bytes) -> str | None:
        """Read a downloaded transcript; why it could not be read, or None."""
        try:
            transcript = parse_transcript(content, filename=name)
        except TranscriptError as error:
            return f"{error.field}: {error.message}"
        segments = [
            {"speaker": s.speaker, "start": s.start, "text": s.text} for s in transcript.segments
        ]
        now = self._clock.now()
        with self._sessions.begin() as session:
            source = session.get(ContextSource, source_id)
            if source is None or source.state is not ContextState.DOWNLOADING:
                return None  # deleted or forgotten while it was downloading
            source.state, source.segments, source.updated_at = ContextState.READY, segments, now
            if source.handoff_id is not None:
                queue_extraction(session, source.handoff_id, now)
        return None

    def file_failed(self, *, source_id: int, reason: str) -> None:
        """Record why a shared file could not be read (the person who shared it is told)."""
        with self._sessions.begin() as session:
            source = session.get(ContextSource, source_id)
            if source is not None and source.state is ContextState.DOWNLOADING:
                source.state, source.error = ContextState.FAILED, reason[:2000]
                source.updated_at = self._clock.now()

    # -- the API ---------------------------------------------------------------------------
    def submit_transcript(self, *, body: Any) -> Submitted:
        """Store a transcript sent for a deal. A deal Handoff has not seen yet keeps it until
        the deal's first CRM event (within retention_days). The body's `id` dedupes."""
        try:
            submission = parse_submission(body)
        except TranscriptError as error:
            raise InvalidEvent(str(error), field=error.field) from None
        now = self._clock.now()
        occurred = submission.source.occurred_at
        segments = [
            {"speaker": s.speaker, "start": s.start, "text": s.text}
            for s in submission.transcript.segments
        ]
        with self._sessions.begin() as session:
            existing = find_source(session, ContextOrigin.API, submission.id)
            if existing is None:
                handoff_id = session.scalar(
                    select(Handoff.id)
                    .where(Handoff.deal_id == submission.deal_id)
                    .order_by(Handoff.updated_at.desc(), Handoff.id.desc())
                    .limit(1)
                )
                if handoff_id is not None:
                    hold_handoff(session, handoff_id)
                stored = insert_source(
                    session,
                    now,
                    origin=ContextOrigin.API,
                    external_id=submission.id,
                    kind=ContextKind.CALL,
                    state=ContextState.READY,
                    handoff_id=handoff_id,
                    deal_id=submission.deal_id,
                    title=submission.source.title,
                    url=submission.source.url,
                    said_at=datetime.combine(occurred, time(), tzinfo=UTC) if occurred else now,
                    segments=segments,
                )
                existing = find_source(session, ContextOrigin.API, submission.id)
                assert existing is not None
                if stored and handoff_id is not None:
                    queue_extraction(session, handoff_id, now)
                if stored:
                    return Submitted(existing.id, handoff_id, False, len(segments))
            count = len(existing.segments or [])
            return Submitted(existing.id, existing.handoff_id, True, count)
