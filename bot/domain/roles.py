"""Who may do what: roles from the playbook and the deal, resolved and cached."""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.config.playbook import Team
from bot.domain.clock import Clock
from bot.domain.errors import HandoffError, Unavailable

log = logging.getLogger(__name__)

CACHE_TTL = timedelta(minutes=10)


class Role(enum.StrEnum):
    AE = "ae"
    OWNER = "owner"
    CSM = "csm"
    REVIEWER = "reviewer"
    ADMIN = "admin"


ROLE_NAMES = {
    Role.AE: "the deal's AE",
    Role.OWNER: "the handoff's owner",
    Role.CSM: "a CSM",
    Role.REVIEWER: "a reviewer",
    Role.ADMIN: "a Handoff admin",
}


class UserGroups(Protocol):
    def usergroup_members(self, handle: str) -> set[str] | None:
        """Members of the user group ``@handle``, or ``None`` if there is no such group."""
        ...


@dataclass(frozen=True, slots=True)
class Party:
    """The people a handoff names: its AE and its owner."""

    ae: str | None
    owner: str | None


class RoleDirectory:
    """Resolves the playbook's team lists (user ids and @handles) to user ids, with a cache.

    User group lookups are Slack calls; they are cached for ten minutes and refreshed by the
    scheduler so that a click never waits for them.
    """

    def __init__(self, *, team: Team, groups: UserGroups, clock: Clock) -> None:
        self._team = team
        self._groups = groups
        self._clock = clock
        self._cache: dict[str, tuple[datetime, set[str]]] = {}
        self._lock = threading.Lock()

    def roles_of(self, user_id: str) -> set[Role]:
        """The playbook roles of a person (CSM, reviewer, admin); may ask Slack about groups."""
        return {
            role
            for role, members in (
                (Role.CSM, self._team.csms),
                (Role.REVIEWER, self._team.reviewers),
                (Role.ADMIN, self._team.admins),
            )
            if user_id in self._expand(members)
        }

    def members(self, role: Role) -> list[str]:
        """How to name the holders of a team role in a message: ``<@U…>`` and ``@handle``."""
        entries = {
            Role.CSM: self._team.csms,
            Role.REVIEWER: self._team.reviewers,
            Role.ADMIN: self._team.admins,
        }.get(role, [])
        return [entry if entry.startswith("@") else f"<@{entry}>" for entry in entries]

    def expand(self, entry: str) -> list[str]:
        """The user ids an entry names: itself, or the members of an @handle."""
        return sorted(self._expand([entry]))

    def refresh(self) -> None:
        """Re-resolve every user group now (the scheduler calls this)."""
        for handle in self._handles():
            try:
                self._resolve(handle, force=True)
            except HandoffError as error:
                log.warning("user group %s not resolved yet: %s", handle, error.user_message)

    def _handles(self) -> set[str]:
        everyone = [*self._team.csms, *self._team.reviewers, *self._team.admins]
        return {entry for entry in everyone if entry.startswith("@")}

    def _expand(self, entries: Iterable[str]) -> set[str]:
        users: set[str] = set()
        for entry in entries:
            if entry.startswith("@"):
                users |= self._resolve(entry)
            else:
                users.add(entry)
        return users

    def _resolve(self, handle: str, *, force: bool = False) -> set[str]:
        now = self._clock.now()
        with self._lock:
            cached = self._cache.get(handle)
        if cached is not None and not force and now - cached[0] < CACHE_TTL:
            return cached[1]
        try:
            members = self._groups.usergroup_members(handle.removeprefix("@"))
        except Unavailable as error:
            if cached is not None:
                return cached[1]  # a stale answer beats no answer while Slack is away
            raise HandoffError(
                f"Slack is not answering right now, so {handle} could not be checked. "
                "Try again in a minute."
            ) from error
        if members is None:
            log.warning("the playbook names user group %s, which Slack does not know", handle)
            members = set()
        with self._lock:
            self._cache[handle] = (now, members)
        return members
