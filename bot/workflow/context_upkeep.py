"""Keeping stored context within bounds: `/handoff forget` (admins), retention, and attaching
transcripts that arrived before their deal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.domain.clock import Clock
from bot.domain.errors import Refused
from bot.domain.roles import Role, RoleDirectory
from bot.workflow.context_intake import queue_extraction
from bot.workflow.recorder import mark_changed, record_change
from bot.workflow.suggestion_rows import forget_sources, recount
from storage import canvas_models, repositories
from storage.context_models import ContextSource, ContextSuggestion
from storage.db import SessionFactory
from storage.enums import AuditAction, ContextKind, ContextState
from storage.models import Handoff

PURGE_BATCH = 500


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What `/handoff forget` deleted (counts only: the content is gone)."""

    deal: str
    calls: int
    messages: int
    suggestions: int

    @property
    def nothing(self) -> bool:
        return not (self.calls or self.messages or self.suggestions)


class ContextUpkeep:
    def __init__(
        self, *, sessions: SessionFactory, clock: Clock, playbook: Playbook, roles: RoleDirectory
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._playbook = playbook
        self._roles = roles

    def forget(
        self, *, actor: str, handoff_id: int | None = None, deal_id: str | None = None
    ) -> Forgotten:
        """Delete a deal's stored context (calls, messages, files, everything found in them,
        transcripts waiting for the deal). Values people confirmed stay in the record, with
        where they came from but without the quote."""
        if Role.ADMIN not in self._roles.roles_of(actor):
            admins = ", ".join(self._roles.members(Role.ADMIN)) or "none in team.admins"
            raise Refused(f"Only a Handoff admin can forget a deal's context (admins: {admins}).")
        now = self._clock.now()
        with self._sessions.begin() as session:
            handoff = repositories.lock_handoff(session, handoff_id) if handoff_id else None
            wanted = deal_id or (handoff.deal_id if handoff else None)
            if not wanted:
                return Forgotten(deal="", calls=0, messages=0, suggestions=0)
            condition = ContextSource.deal_id == wanted
            if handoff is not None:
                condition = condition | (ContextSource.handoff_id == handoff.id)
            sources = session.execute(
                select(ContextSource.id, ContextSource.kind, ContextSource.state).where(condition)
            ).all()
            ids = [row.id for row in sources]
            suggestions = session.scalar(
                select(func.count())
                .select_from(ContextSuggestion)
                .where(ContextSuggestion.source_id.in_(ids))
            )
            kept = [row for row in sources if row.state is not ContextState.DELETED]
            report = Forgotten(
                deal=handoff.deal_name if handoff else str(wanted),
                calls=sum(1 for row in kept if row.kind is ContextKind.CALL),
                messages=sum(1 for row in kept if row.kind is ContextKind.SLACK),
                suggestions=int(suggestions or 0),
            )
            forget_sources(session, ids)
            if handoff is not None and not report.nothing:
                session.flush()
                recount(session, handoff, now)
                detail = {"calls": report.calls, "messages": report.messages}
                detail["suggestions"] = report.suggestions
                record_change(
                    session,
                    handoff=handoff,
                    actor=actor,
                    action=AuditAction.CONTEXT_FORGOTTEN,
                    now=now,
                    detail=detail,
                )
                mark_changed(handoff, now)
            return report

    def purge_expired(self) -> int:
        """Delete context said more than retention_days ago, in batches; how many sources."""
        cutoff = self._clock.now() - timedelta(days=self._playbook.context.retention_days)
        purged = 0
        while True:
            with self._sessions.begin() as session:
                rows = session.execute(
                    select(ContextSource.id, ContextSource.handoff_id)
                    .where(ContextSource.said_at < cutoff)
                    .order_by(ContextSource.id)
                    .limit(PURGE_BATCH)
                ).all()
                if not rows:
                    return purged
                forget_sources(session, [row.id for row in rows])
                touched = {row.handoff_id for row in rows if row.handoff_id}
                self._recount(session, touched)
                # Their quotes are gone from the record: from the briefs' canvases too.
                canvas_models.brief_changed(session, touched, self._clock.now())
                purged += len(rows)

    def adopt_waiting(self) -> int:
        """Attach transcripts sent before their deal arrived to the deal's handoff."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            waiting = session.scalars(
                select(ContextSource)
                .where(
                    ContextSource.handoff_id.is_(None),
                    ContextSource.deal_id.in_(select(Handoff.deal_id)),
                )
                .order_by(ContextSource.id)
                .limit(PURGE_BATCH)
            ).all()
            for source in waiting:
                source.handoff_id = session.scalar(
                    select(Handoff.id)
                    .where(Handoff.deal_id == source.deal_id)
                    .order_by(Handoff.updated_at.desc(), Handoff.id.desc())
                    .limit(1)
                )
                source.updated_at, source.extracted_at = now, None
            for handoff_id in {s.handoff_id for s in waiting if s.handoff_id}:
                queue_extraction(session, handoff_id, now)
            return len(waiting)

    def _recount(self, session: Session, handoff_ids: Sequence[int] | set[int]) -> None:
        now = self._clock.now()
        session.flush()
        for handoff_id in sorted(handoff_ids):
            handoff = repositories.lock_handoff(session, handoff_id)
            if handoff is not None:
                recount(session, handoff, now)
