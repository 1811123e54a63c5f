"""Read models for /handoff and the App Home: where every handoff stands."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.config.playbook import Playbook
from bot.domain.clock import Clock
from bot.domain.commitments import OPEN, CommitmentListing, view_of
from bot.domain.read_models import AuditLine, HandoffCard, HandoffSummary, HomeData
from bot.domain.roles import Role, RoleDirectory
from bot.domain.snapshot import card_snapshot
from storage import name_search, repositories
from storage.commitment_models import Commitment
from storage.db import SessionFactory
from storage.enums import CommitmentStatus, HandoffStatus
from storage.models import LIVE, OWNED, SLA_RUNNING, FieldValue, Handoff, status_in

LIST_LIMIT = 15


class HandoffQueries:
    def __init__(
        self, *, sessions: SessionFactory, clock: Clock, playbook: Playbook, roles: RoleDirectory
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._playbook = playbook
        self._roles = roles

    def search(self, text: str, *, limit: int = 10) -> list[HandoffCard]:
        """Handoffs whose deal or account name contains ``text`` (any case), newest first."""
        with self._sessions.begin() as session:
            dialect = session.get_bind().dialect.name
            condition = name_search.name_condition(dialect, text)
            if dialect == "postgresql":
                # PostgreSQL guesses 1% of handoffs match any word, and would walk them all by
                # date, newest first, to find ten (110 ms at 100k for a word in two names);
                # the matches come from the trigram index first, then the newest of them.
                matches = (
                    select(Handoff.id, Handoff.updated_at)
                    .where(condition)
                    .cte("matches")
                    .prefix_with("MATERIALIZED")
                )
                newest = (
                    select(matches.c.id)
                    .order_by(matches.c.updated_at.desc(), matches.c.id.desc())
                    .limit(limit)
                )
                condition = Handoff.id.in_(newest)
            found = session.scalars(
                select(Handoff)
                .where(condition)
                .options(selectinload(Handoff.fields))
                .order_by(Handoff.updated_at.desc(), Handoff.id.desc())
                .limit(limit)
            ).all()
            return [card_snapshot(handoff, self._playbook) for handoff in found]

    def lookup(self, text: str) -> list[HandoffCard]:
        """Like ``search``, but an exact deal or account name wins over partial matches."""
        found = self.search(text)
        wanted = text.strip().casefold()
        exact = [
            card
            for card in found
            if wanted in (card.deal_name.casefold(), (card.account_name or "").casefold())
        ]
        return exact if len(exact) == 1 else found

    def queue(self) -> list[HandoffSummary]:
        with self._sessions.begin() as session:
            return self._queue(session)

    def overdue(self) -> list[HandoffSummary]:
        with self._sessions.begin() as session:
            return self._overdue(session)

    def commitments(self, *, user: str, scope: str) -> list[CommitmentListing]:
        """`/handoff commitments`: yours (owned, or on your deals) that are still open; the
        overdue ones; or every commitment of an account or deal."""
        wanted = scope.strip()
        query = select(Commitment, Handoff).join(Handoff, Handoff.id == Commitment.handoff_id)
        order = (Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
        with self._sessions.begin() as session:
            if wanted.casefold() in ("", "mine"):
                query = query.where(
                    Commitment.status.in_((CommitmentStatus.PROPOSED, *OPEN)),
                    or_(Commitment.owner_slack_id == user, Handoff.ae_slack_id == user),
                )
            elif wanted.casefold() == "overdue":
                today = self._clock.now().date()
                query = query.where(Commitment.status.in_(OPEN), Commitment.due_on < today)
            else:
                dialect = session.get_bind().dialect.name
                query = query.where(name_search.name_condition(dialect, wanted))
            rows = session.execute(query.order_by(*order).limit(LIST_LIMIT * 2)).all()
            return [
                CommitmentListing(
                    deal_name=handoff.deal_name,
                    account_name=handoff.account_name,
                    channel_id=handoff.channel_id,
                    commitment=view_of(row),
                )
                for row, handoff in rows
            ]

    def home(self, user_id: str) -> HomeData:
        """Everything the App Home (and ``/handoff mine``) lists, read in one transaction."""
        roles = self._roles.roles_of(user_id)
        is_csm = bool(roles & {Role.CSM, Role.ADMIN})
        is_reviewer = bool(roles & {Role.REVIEWER, Role.ADMIN})
        with self._sessions.begin() as session:
            awaiting: list[HandoffSummary] = []
            if is_reviewer:
                awaiting = self._summaries(
                    session,
                    Handoff.owner_slack_id.is_not(None),
                    status_in((HandoffStatus.OPEN,)),
                    order_by_due=True,
                )
            return HomeData(
                user_id=user_id,
                is_csm=is_csm,
                is_reviewer=is_reviewer,
                as_ae=tuple(
                    self._summaries(session, Handoff.ae_slack_id == user_id, status_in(LIVE))
                ),
                as_owner=tuple(
                    self._summaries(session, Handoff.owner_slack_id == user_id, status_in(OWNED))
                ),
                awaiting_review=tuple(awaiting),
                queue=tuple(self._queue(session)) if is_csm else (),
                overdue=tuple(self._overdue(session)),
            )

    def _queue(self, session: Session) -> list[HandoffSummary]:
        return self._summaries(
            session, Handoff.owner_slack_id.is_(None), status_in(LIVE), order_by_due=True
        )

    def _overdue(self, session: Session) -> list[HandoffSummary]:
        return self._summaries(
            session,
            status_in(SLA_RUNNING),
            Handoff.sla_due_at < self._clock.now(),
            order_by_due=True,
        )

    def history(self, handoff_id: int) -> list[AuditLine]:
        with self._sessions.begin() as session:
            return [
                AuditLine(at=row.at, actor=row.actor, action=row.action.value, detail=row.detail)
                for row in repositories.audit_trail(session, handoff_id)
            ]

    def _summaries(
        self, session: Session, *conditions: object, order_by_due: bool = False
    ) -> list[HandoffSummary]:
        """One list: the columns it shows, then which required fields its handoffs still lack
        (two statements, no ORM objects: a Home reads several of these per click)."""
        order = (Handoff.sla_due_at, Handoff.id) if order_by_due else (Handoff.updated_at.desc(),)
        rows = session.execute(
            select(*_SUMMARY_COLUMNS)
            .where(*conditions)  # type: ignore[arg-type]
            .order_by(*order)
            .limit(LIST_LIMIT)
        ).all()
        required = self._playbook.required_keys
        present: dict[int, set[str]] = {row.id: set() for row in rows}
        if rows and required:
            for handoff_id, key, value in session.execute(
                select(FieldValue.handoff_id, FieldValue.key, FieldValue.value).where(
                    FieldValue.handoff_id.in_(present), FieldValue.key.in_(required)
                )
            ):
                if value.strip():
                    present[handoff_id].add(key)
        return [
            HandoffSummary(
                handoff_id=row.id,
                deal_name=row.deal_name,
                account_name=row.account_name,
                status=row.status,
                owner_slack_id=row.owner_slack_id,
                ae_slack_id=row.ae_slack_id,
                sla_due_at=row.sla_due_at,
                missing=sum(1 for key in required if key not in present[row.id]),
                channel_id=row.channel_id,
            )
            for row in rows
        ]


_SUMMARY_COLUMNS = (
    Handoff.id,
    Handoff.deal_name,
    Handoff.account_name,
    Handoff.status,
    Handoff.owner_slack_id,
    Handoff.ae_slack_id,
    Handoff.sla_due_at,
    Handoff.channel_id,
)


def mine(home: HomeData) -> Sequence[tuple[str, Sequence[HandoffSummary]]]:
    return [
        ("As AE", home.as_ae),
        ("As owner", home.as_owner),
        *([("Awaiting your review", home.awaiting_review)] if home.is_reviewer else []),
    ]
