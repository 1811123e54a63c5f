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
from bot.domain.status import missing_required
from storage import repositories
from storage.commitment_models import Commitment
from storage.db import SessionFactory
from storage.enums import CommitmentStatus, HandoffStatus
from storage.models import Handoff

LIVE = (HandoffStatus.UPCOMING, HandoffStatus.HELD, HandoffStatus.OPEN)
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
        pattern = f"%{_escape_like(text.strip())}%"
        with self._sessions.begin() as session:
            found = session.scalars(
                select(Handoff)
                .where(
                    or_(
                        Handoff.deal_name.ilike(pattern, escape="\\"),
                        Handoff.account_name.ilike(pattern, escape="\\"),
                    )
                )
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
        return self._summaries(
            Handoff.owner_slack_id.is_(None), Handoff.status.in_(LIVE), order_by_due=True
        )

    def overdue(self) -> list[HandoffSummary]:
        now = self._clock.now()
        return self._summaries(
            Handoff.status.in_((HandoffStatus.HELD, HandoffStatus.OPEN)),
            Handoff.sla_due_at < now,
            order_by_due=True,
        )

    def commitments(self, *, user: str, scope: str) -> list[CommitmentListing]:
        """`/handoff commitments`: yours (owned, or on your deals) that are still open; the
        overdue ones; or every commitment of an account or deal."""
        wanted = scope.strip()
        query = select(Commitment, Handoff).join(Handoff, Handoff.id == Commitment.handoff_id)
        if wanted.casefold() in ("", "mine"):
            query = query.where(
                Commitment.status.in_((CommitmentStatus.PROPOSED, *OPEN)),
                or_(Commitment.owner_slack_id == user, Handoff.ae_slack_id == user),
            )
        elif wanted.casefold() == "overdue":
            today = self._clock.now().date()
            query = query.where(Commitment.status.in_(OPEN), Commitment.due_on < today)
        else:
            pattern = f"%{_escape_like(wanted)}%"
            query = query.where(
                or_(
                    Handoff.deal_name.ilike(pattern, escape="\\"),
                    Handoff.account_name.ilike(pattern, escape="\\"),
                )
            )
        order = (Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
        with self._sessions.begin() as session:
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
        roles = self._roles.roles_of(user_id)
        is_csm = bool(roles & {Role.CSM, Role.ADMIN})
        is_reviewer = bool(roles & {Role.REVIEWER, Role.ADMIN})
        awaiting: list[HandoffSummary] = []
        if is_reviewer:
            awaiting = self._summaries(
                Handoff.status == HandoffStatus.OPEN,
                Handoff.owner_slack_id.is_not(None),
                order_by_due=True,
            )
        return HomeData(
            user_id=user_id,
            is_csm=is_csm,
            is_reviewer=is_reviewer,
            as_ae=tuple(self._summaries(Handoff.ae_slack_id == user_id, Handoff.status.in_(LIVE))),
            as_owner=tuple(
                self._summaries(
                    Handoff.owner_slack_id == user_id,
                    Handoff.status.in_((*LIVE, HandoffStatus.READY)),
                )
            ),
            awaiting_review=tuple(awaiting),
            queue=tuple(self.queue()) if is_csm else (),
            overdue=tuple(self.overdue()),
        )

    def history(self, handoff_id: int) -> list[AuditLine]:
        with self._sessions.begin() as session:
            return [
                AuditLine(at=row.at, actor=row.actor, action=row.action.value, detail=row.detail)
                for row in repositories.audit_trail(session, handoff_id)
            ]

    def _summaries(self, *conditions: object, order_by_due: bool = False) -> list[HandoffSummary]:
        order = (Handoff.sla_due_at, Handoff.id) if order_by_due else (Handoff.updated_at.desc(),)
        with self._sessions.begin() as session:
            rows = session.scalars(
                select(Handoff)
                .where(*conditions)  # type: ignore[arg-type]
                .options(selectinload(Handoff.fields))
                .order_by(*order)
                .limit(LIST_LIMIT)
            ).all()
            return [self._summary(session, handoff) for handoff in rows]

    def _summary(self, session: Session, handoff: Handoff) -> HandoffSummary:
        return HandoffSummary(
            handoff_id=handoff.id,
            deal_name=handoff.deal_name,
            account_name=handoff.account_name,
            status=handoff.status,
            owner_slack_id=handoff.owner_slack_id,
            ae_slack_id=handoff.ae_slack_id,
            sla_due_at=handoff.sla_due_at,
            missing=len(missing_required(handoff, self._playbook)),
            channel_id=handoff.channel_id,
        )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def mine(home: HomeData) -> Sequence[tuple[str, Sequence[HandoffSummary]]]:
    return [
        ("As AE", home.as_ae),
        ("As owner", home.as_owner),
        *([("Awaiting your review", home.awaiting_review)] if home.is_reviewer else []),
    ]
