"""Reading a deal's calls and channel messages into suggestions, off the request path.

Three steps, so no transaction is open while an extractor (possibly a remote model) works:
read what changed since the last run, extract, then write what was found for every source that
did not change meanwhile (one that did is read again by the run its change queued).

Each call is read on its own. Channel messages are read a day at a time, so relative dates
("by Friday") resolve against the day they were written and a conversation keeps its context.
Only suggestions are added: nothing here touches a field's value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.context import (
    Commitment,
    ExtractionTargets,
    Extractor,
    FieldSuggestion,
    Segment,
    Source,
    Stakeholder,
    Transcript,
    mentioned_users,
    plain_text,
    quote_in_source,
)
from bot.domain.clock import Clock
from bot.domain.status import status_for
from bot.domain.suggestions import ModalSuggestions
from bot.workflow.commitment_rows import propose_found, refresh_summary
from bot.workflow.recorder import mark_changed, record_change
from bot.workflow.suggestion_rows import modal_suggestions, recount
from bot.workflow.suggestion_store import store_findings
from storage import repositories
from storage.commitment_models import Commitment as LedgerRow
from storage.context_models import (
    ContextSource,
)
from storage.db import SessionFactory
from storage.enums import AuditAction, ContextKind, ContextState
from storage.models import Handoff

MAX_MESSAGES_PER_DAY = 2000


class ExtractorFactory(Protocol):
    def for_seller(self, *, names: Sequence[str] = (), domains: Sequence[str] = ()) -> Extractor:
        """The configured extractor, told who is on the seller's side."""
        ...


class PeopleDirectory(Protocol):
    def display_name(self, user_id: str) -> str | None:
        """A Slack user's name as colleagues know it; None if Slack does not know them."""
        ...


@dataclass(frozen=True, slots=True)
class _Item:
    source_id: int
    stamp: datetime  # updated_at when read; a different one later means it changed
    author: str | None
    segments: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class _Batch:
    kind: ContextKind
    title: str | None
    day: date
    url: str | None
    items: tuple[_Item, ...]


@dataclass(frozen=True, slots=True)
class _Work:
    handoff_id: int
    ae_slack_id: str | None
    ae_email: str | None
    batches: tuple[_Batch, ...]


@dataclass
class _Found:
    batch: _Batch
    extractor: str = "builtin"
    suggestions: list[tuple[int, str, FieldSuggestion]] = field(default_factory=list)
    stakeholders: list[tuple[int, Stakeholder]] = field(default_factory=list)
    commitments: list[tuple[int, Commitment]] = field(default_factory=list)


class SuggestionService:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        playbook: Playbook,
        extractors: ExtractorFactory,
        people: PeopleDirectory,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._playbook = playbook
        self._ledger_field = playbook.commitments.summary_for(playbook.field_types)
        self._extractors = extractors
        self._people = people
        self._targets = ExtractionTargets(**playbook.context.targets_for(playbook.field_types))

    def for_modal(self, *, handoff_id: int) -> ModalSuggestions:
        with self._sessions.begin() as session:
            handoff = repositories.get_handoff(session, handoff_id)
            if handoff is None:
                return ModalSuggestions()
            return modal_suggestions(session, handoff, self._playbook)

    def extract(self, *, handoff_id: int) -> int:
        """Read what changed for this handoff; the number of new suggestions."""
        work = self._read(handoff_id)
        if work is None or not work.batches:
            return 0
        extractor = self._extractors.for_seller(**self._seller(work))
        found = [self._run(extractor, batch) for batch in work.batches]
        return self._write(work, found)

    # -- read ------------------------------------------------------------------------------
    def _read(self, handoff_id: int) -> _Work | None:
        with self._sessions.begin() as session:
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                return None
            dirty = session.scalars(
                select(ContextSource)
                .where(
                    ContextSource.handoff_id == handoff_id,
                    ContextSource.state == ContextState.READY,
                    ContextSource.extracted_at.is_(None),
                )
                .order_by(ContextSource.said_at, ContextSource.id)
            ).all()
            batches = [
                _Batch(ContextKind.CALL, s.title, s.said_at.date(), s.url, (_item(s),))
                for s in dirty
                if s.kind is ContextKind.CALL
            ]
            days = sorted({s.said_at.date() for s in dirty if s.kind is ContextKind.SLACK})
            batches += [self._day(session, handoff_id, day) for day in days]
            return _Work(handoff_id, handoff.ae_slack_id, handoff.ae_email, tuple(batches))

    @staticmethod
    def _day(session: Session, handoff_id: int, day: date) -> _Batch:
        start = datetime.combine(day, time(), tzinfo=UTC)
        messages = session.scalars(
            select(ContextSource)
            .where(
                ContextSource.handoff_id == handoff_id,
                ContextSource.kind == ContextKind.SLACK,
                ContextSource.state == ContextState.READY,
                ContextSource.said_at >= start,
                ContextSource.said_at < start + timedelta(days=1),
            )
            .order_by(ContextSource.said_at, ContextSource.id)
            .limit(MAX_MESSAGES_PER_DAY)
        ).all()
        return _Batch(ContextKind.SLACK, None, day, None, tuple(_item(m) for m in messages))

    # -- extract ---------------------------------------------------------------------------
    def _seller(self, work: _Work) -> dict[str, list[str]]:
        """Our side: the AE (name, email domain) and whoever writes in the deal channel, which
        is a channel of our workspace."""
        people = {i.author for b in work.batches for i in b.items if i.author}
        people |= {work.ae_slack_id} if work.ae_slack_id else set()
        names = [n for n in (self._people.display_name(p) for p in sorted(people)) if n]
        domain = work.ae_email.rpartition("@")[2] if work.ae_email else ""
        return {"names": names, "domains": [domain] if domain else []}

    def _run(self, extractor: Extractor, batch: _Batch) -> _Found:
        transcript, owners = self._transcript(batch)
        found = _Found(batch)
        if not transcript.segments:
            return found
        slack = batch.kind is ContextKind.SLACK
        source = Source(kind="slack" if slack else "call", title=batch.title, occurred_at=batch.day)
        extraction = extractor.extract(transcript, source=source, targets=self._targets)
        found.extractor = extraction.extractor

        def owner(quote: str) -> int | None:
            if not slack:
                return owners[0]
            segment = quote_in_source(quote, transcript)
            at = next((i for i, s in enumerate(transcript.segments) if s is segment), None)
            return None if at is None else owners[at]

        for key, items in extraction.fields.items():
            if key == self._ledger_field:
                continue  # promises go to the commitments ledger, which writes that field
            for item in items:
                if (sid := owner(item.quote)) is not None:
                    found.suggestions.append((sid, key, item))
        if batch.url and self._targets.recordings:
            # The recording link sent with a transcript is said by no one: it has no quote.
            link = FieldSuggestion(value=batch.url, quote="", speaker=None, at=None)
            found.suggestions.append((owners[0], self._targets.recordings, link))
        for person in extraction.stakeholders:
            if (sid := owner(person.quote)) is not None:
                found.stakeholders.append((sid, person))
        for promise in extraction.commitments:
            if (sid := owner(promise.quote)) is not None:
                found.commitments.append((sid, promise))
        return found

    def _transcript(self, batch: _Batch) -> tuple[Transcript, list[int]]:
        segments: list[Segment] = []
        owners: list[int] = []
        if batch.kind is ContextKind.CALL:
            item = batch.items[0]
            segments = [
                Segment(speaker=s.get("speaker"), start=s.get("start"), text=str(s["text"]))
                for s in item.segments
            ]
            return Transcript(tuple(segments)), [item.source_id] * len(segments)
        people = {i.author for i in batch.items if i.author}
        for item in batch.items:
            for s in item.segments:
                people |= mentioned_users(str(s["text"]))
        names = {user: self._people.display_name(user) or user for user in sorted(people)}
        for item in batch.items:
            for s in item.segments:
                text = " ".join(plain_text(str(s["text"]), names).split())
                if text:
                    speaker = names.get(item.author or "")
                    segments.append(Segment(speaker=speaker, start=None, text=text))
                    owners.append(item.source_id)
        return Transcript(tuple(segments)), owners

    # -- write -----------------------------------------------------------------------------
    def _write(self, work: _Work, found: list[_Found]) -> int:
        now = self._clock.now()
        added = 0
        with self._sessions.begin() as session:
            handoff = repositories.lock_handoff(session, work.handoff_id)
            if handoff is None:
                return 0
            read = {i.source_id: i.stamp for f in found for i in f.batch.items}
            fresh = {
                source_id
                for source_id, stamp in session.execute(
                    select(ContextSource.id, ContextSource.updated_at).where(
                        ContextSource.id.in_(read), ContextSource.state == ContextState.READY
                    )
                )
                if read[source_id] == stamp
            }
            for result in found:
                ids = [i.source_id for i in result.batch.items if i.source_id in fresh]
                if ids:
                    added += store_findings(
                        session,
                        handoff.id,
                        ids,
                        extractor=result.extractor,
                        suggestions=result.suggestions,
                        stakeholders=result.stakeholders,
                        commitments=result.commitments,
                        now=now,
                    )
            for source in session.scalars(select(ContextSource).where(ContextSource.id.in_(fresh))):
                source.extracted_at = now
            if proposed := propose_found(session, handoff, now):
                self._proposed(session, handoff, proposed, now)
            recount(session, handoff, now)
        return added

    def _proposed(
        self, session: Session, handoff: Handoff, rows: list[LedgerRow], now: datetime
    ) -> None:
        """Promises found in calls join the ledger as proposed: the summary, the card, the
        audit trail and the thread follow."""
        refresh_summary(session, handoff, self._playbook, now)
        handoff.status = status_for(handoff, self._playbook, today=now.date())
        mark_changed(handoff, now)
        detail = {"count": len(rows), "texts": [row.text for row in rows]}
        record_change(
            session, handoff=handoff, actor="handoff", action=AuditAction.COMMITMENT_PROPOSED,
            now=now, detail=detail,
        )  # fmt: skip


def _item(source: ContextSource) -> _Item:
    return _Item(source.id, source.updated_at, source.author, list(source.segments or []))
