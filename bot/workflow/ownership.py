"""Owning a handoff: claim (first one wins), reassign and release, each audited."""

from __future__ import annotations

from bot.domain.errors import Refused
from bot.domain.permissions import Permission
from bot.domain.roles import Role
from bot.workflow.changes import HandoffChanges
from storage import repositories
from storage.enums import AuditAction


class OwnershipService(HandoffChanges):
    """One accountable owner: a CSM claims, an owner or reviewer reassigns, an owner releases."""

    def claim(self, *, handoff_id: int, actor: str) -> None:
        now = self._clock.now()
        with self._acting(handoff_id, actor, Permission.CLAIM, lock=False) as (
            session,
            handoff,
        ):
            # The conditional update is the referee: of two simultaneous claims one matches.
            won = repositories.take_ownership(session, handoff_id=handoff_id, owner=actor, now=now)
        if not won:
            with self._sessions.begin() as session:
                owner = self._load(session, handoff_id, lock=False).owner_slack_id
            if owner == actor:
                raise Refused("You already own this handoff.")
            raise Refused(f"<@{owner}> claimed this handoff first; they own it now.")
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id)
            self._changed(
                session, handoff, actor, AuditAction.CLAIMED, now, {"owner": [None, actor]}
            )

    def reassign(self, *, handoff_id: int, actor: str, new_owner: str) -> None:
        now = self._clock.now()
        if not self._roles.roles_of(new_owner) & {Role.CSM, Role.ADMIN}:
            raise Refused(f"<@{new_owner}> is not a CSM in the playbook, so cannot own a handoff.")
        with self._acting(handoff_id, actor, Permission.REASSIGN) as (
            session,
            handoff,
        ):
            previous = handoff.owner_slack_id
            if previous == new_owner:
                raise Refused(f"<@{new_owner}> already owns this handoff.")
            handoff.owner_slack_id, handoff.claimed_at = new_owner, now
            self._changed(
                session,
                handoff,
                actor,
                AuditAction.REASSIGNED,
                now,
                {"owner": [previous, new_owner]},
                also=[previous],
            )

    def release(self, *, handoff_id: int, actor: str) -> None:
        now = self._clock.now()
        with self._acting(handoff_id, actor, Permission.RELEASE) as (
            session,
            handoff,
        ):
            previous = handoff.owner_slack_id
            if previous is None:
                raise Refused("Nobody owns this handoff, so there is nothing to release.")
            handoff.owner_slack_id, handoff.claimed_at = None, None
            self._changed(
                session,
                handoff,
                actor,
                AuditAction.RELEASED,
                now,
                {"owner": [previous, None]},
                also=[previous],
            )
