"""Read models for /handoff and the App Home: where every handoff stands."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.config.playbook import Playbook
from bot.domain.clock import Clock
from bot.domain.read_models import AuditLine, HandoffCard, HandoffSummary, HomeData
from bot.domain.roles import Role, RoleDirectory
from bot.domain.snapshot import card_snapshot
from bot.domain.status import missing_required
from storage import name_search, repositories
from storage.db import SessionFactory
from storage.enums import HandoffStatus
from storage.models import LIVE, OWNED, SLA_RUNNING, Handoff, status_in

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
            found = session.scalars(
                select(Handoff)
                .where(name_search.name_condition(dialect, text))
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
        return self._summaries(Handoff.owner_slack_id.is_(None), status_in(LIVE), order_by_due=True)

    def overdue(self) -> list[HandoffSummary]:
        now = self._clock.now()
        return self._summaries(
            status_in(SLA_RUNNING),
            Handoff.sla_due_at < now,
            order_by_due=True,
        )

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
            as_ae=tuple(self._summaries(Handoff.ae_slack_id == user_id, status_in(LIVE))),
            as_owner=tuple(
                self._summaries(
                    Handoff.owner_slack_id == user_id,
                    status_in(OWNED),
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


def mine(home: HomeData) -> Sequence[tuple[str, Sequence[HandoffSummary]]]:
    return [
        ("As AE", home.as_ae),
        ("As owner", home.as_owner),
        *([("Awaiting your review", home.awaiting_review)] if home.is_reviewer else []),
    ]
