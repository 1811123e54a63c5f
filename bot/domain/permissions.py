"""Which roles may take which action, and how a refusal explains itself."""

from __future__ import annotations

import enum

from bot.domain.errors import Refused
from bot.domain.roles import ROLE_NAMES, Party, Role, RoleDirectory


class Permission(enum.StrEnum):
    ADD_DETAILS = "add details to"
    CLAIM = "claim"
    REASSIGN = "reassign"
    RELEASE = "release"
    GRANT_EXCEPTION = "grant an exception on"
    MARK_READY = "mark ready"
    RECORD_MILESTONE = "record milestones on"
    SCHEDULE_SYNC = "schedule the sync of"
    CAPTURE_OUTCOMES = "capture the sync outcomes of"
    # The commitments ledger: the AE proposes and edits before the sync; the owner and the
    # reviewers confirm, drop and track (admins may do both).
    EDIT_COMMITMENTS = "add or edit the commitments of"
    REVIEW_COMMITMENTS = "confirm or drop the commitments of"


ALLOWED: dict[Permission, tuple[Role, ...]] = {
    Permission.ADD_DETAILS: (Role.AE, Role.OWNER),
    Permission.CLAIM: (Role.CSM,),
    Permission.REASSIGN: (Role.OWNER, Role.REVIEWER),
    Permission.RELEASE: (Role.OWNER,),
    Permission.GRANT_EXCEPTION: (Role.REVIEWER,),
    Permission.MARK_READY: (Role.REVIEWER,),
    Permission.RECORD_MILESTONE: (Role.OWNER,),
    Permission.SCHEDULE_SYNC: (Role.OWNER, Role.AE),
    Permission.CAPTURE_OUTCOMES: (Role.OWNER,),
    Permission.EDIT_COMMITMENTS: (Role.AE,),
    Permission.REVIEW_COMMITMENTS: (Role.OWNER, Role.REVIEWER),
}


def require(
    roles: RoleDirectory, *, actor: str, team: set[Role], party: Party, permission: Permission
) -> set[Role]:
    """The actor's roles if they may act; otherwise ``Refused`` saying why and who can.

    ``team`` are the actor's playbook roles, resolved before any transaction is opened (it may
    ask Slack about user groups); the handoff's AE and owner come from ``party``.
    """
    held = set(team)
    if party.ae == actor:
        held.add(Role.AE)
    if party.owner == actor:
        held.add(Role.OWNER)
    allowed = ALLOWED[permission]
    if Role.ADMIN in held or held.intersection(allowed):
        return held
    raise Refused(refusal_text(roles, party=party, permission=permission))


def refusal_text(roles: RoleDirectory, *, party: Party, permission: Permission) -> str:
    allowed = ALLOWED[permission]
    names = " or ".join(ROLE_NAMES[role] for role in allowed)
    who: list[str] = []
    for role in allowed:
        if role is Role.AE and party.ae:
            who.append(f"the AE is <@{party.ae}>")
        elif role is Role.OWNER:
            who.append(f"the owner is <@{party.owner}>" if party.owner else "it has no owner yet")
        elif role in (Role.CSM, Role.REVIEWER):
            members = roles.members(role)
            label = "CSMs" if role is Role.CSM else "reviewers"
            who.append(
                f"{label}: {', '.join(members)}"
                if members
                else f"no {label} are listed in the playbook (team.{label.lower()})"
            )
    admins = roles.members(Role.ADMIN)
    if admins:
        who.append(f"admins: {', '.join(admins)}")
    return f"Only {names} can {permission.value} this handoff ({'; '.join(who)})."
