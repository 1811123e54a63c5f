"""What every change a person makes goes through: load, check, record, refresh."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.domain.clock import Clock
from bot.domain.errors import NotFound, Refused
from bot.domain.permissions import Permission, require
from bot.domain.read_models import HandoffCard
from bot.domain.roles import Party, RoleDirectory
from bot.domain.snapshot import card_snapshot
from bot.domain.status import status_for
from bot.workflow.recorder import mark_changed, record_change, refresh_homes
from storage import repositories
from storage.db import SessionFactory
from storage.enums import AuditAction, HandoffStatus
from storage.models import Handoff

CLOSED = (HandoffStatus.CANCELLED,)


def party_of(handoff: Handoff) -> Party:
    return Party(ae=handoff.ae_slack_id, owner=handoff.owner_slack_id)


class HandoffChanges:
    """The shared machinery of the services people drive from Slack."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        playbook: Playbook,
        roles: RoleDirectory,
        reads: SessionFactory | None = None,
    ) -> None:
        self._sessions = sessions
        # Looks before a change (a modal about to open, a submission's validation) never
        # take the write lock; storage.db.make_read_session_factory.
        self._reads = reads or sessions
        self._clock = clock
        self._playbook = playbook
        self._roles = roles

    def card(self, *, handoff_id: int) -> HandoffCard:
        with self._reads.begin() as session:
            return card_snapshot(self._load(session, handoff_id, lock=False), self._playbook)

    def authorize(self, *, handoff_id: int, actor: str, permission: Permission) -> HandoffCard:
        """Check before opening a modal, so a refused click opens nothing."""
        with self._acting(handoff_id, actor, permission, open_only=False, reading=True) as (_, h):
            return card_snapshot(h, self._playbook)

    @contextmanager
    def _acting(
        self,
        handoff_id: int,
        actor: str,
        permission: Permission,
        *,
        lock: bool = True,
        open_only: bool = True,
        reading: bool = False,
    ) -> Iterator[tuple[Session, Handoff]]:
        """One transaction on a handoff the actor may act on; refusals change nothing.

        The actor's team roles are resolved first, outside the transaction: resolving a user
        group may ask Slack, and a slow Slack must not hold a database lock.
        """
        team = self._roles.roles_of(actor)
        with (self._reads if reading else self._sessions).begin() as session:
            handoff = self._load(session, handoff_id, lock=lock and not reading)
            if open_only:
                self._open_or_refuse(handoff)
            require(
                self._roles, actor=actor, team=team, party=party_of(handoff), permission=permission
            )
            yield session, handoff

    def _load(self, session: Session, handoff_id: int, *, lock: bool = True) -> Handoff:
        handoff = (
            repositories.lock_handoff(session, handoff_id)
            if lock
            else repositories.get_handoff(session, handoff_id)
        )
        if handoff is None:
            raise NotFound("That handoff no longer exists.")
        return handoff

    @staticmethod
    def _open_or_refuse(handoff: Handoff) -> None:
        if handoff.status in CLOSED:
            raise Refused("This handoff is closed (the deal was lost); nothing can change now.")

    def _changed(
        self,
        session: Session,
        handoff: Handoff,
        actor: str,
        action: AuditAction,
        now: datetime,
        detail: Mapping[str, object],
        *,
        also: Iterable[str | None] = (),
    ) -> None:
        handoff.status = status_for(handoff, self._playbook, today=now.date())
        mark_changed(handoff, now)
        record_change(
            session,
            handoff=handoff,
            actor=actor,
            action=action,
            now=now,
            detail=detail,
        )
        refresh_homes(session, [actor, handoff.ae_slack_id, handoff.owner_slack_id, *also], now)
