"""Completing the record and owning it: fields, claim, reassign, release."""

from __future__ import annotations

from bot.domain.errors import Refused
from bot.domain.fields import field_error, normalise
from bot.domain.permissions import Permission
from bot.domain.roles import Role
from bot.workflow.changes import HandoffChanges
from storage import repositories
from storage.enums import AuditAction, FieldSource
from storage.models import FieldValue


class WorkflowService(HandoffChanges):
    def field_errors(self, *, handoff_id: int, values: dict[str, str | None]) -> dict[str, str]:
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id, lock=False)
            current = {value.key for value in handoff.fields}
        errors: dict[str, str] = {}
        for key, raw in values.items():
            spec = self._playbook.field(key)
            if spec is None:
                continue
            problem = field_error(spec, normalise(spec, raw), had_value=key in current)
            if problem:
                errors[key] = problem
        return errors

    def save_fields(self, *, handoff_id: int, actor: str, values: dict[str, str | None]) -> None:
        now = self._clock.now()
        with self._acting(handoff_id, actor, Permission.ADD_DETAILS) as (
            session,
            handoff,
        ):
            existing = {value.key: value for value in handoff.fields}
            changes: dict[str, list[str | None]] = {}
            for spec in self._playbook.fields:
                if spec.key not in values:
                    continue
                new = normalise(spec, values[spec.key])
                current = existing.get(spec.key)
                if field_error(spec, new, had_value=current is not None):
                    raise Refused(f"{spec.label} could not be saved; open Add details again.")
                if (current.value if current else "") == new:
                    continue
                changes[spec.key] = [current.value if current else None, new or None]
                if current is None:
                    handoff.fields.append(
                        FieldValue(
                            key=spec.key,
                            value=new,
                            source=FieldSource.PERSON,
                            set_by=actor,
                            updated_at=now,
                        )
                    )
                elif new:
                    current.value, current.source, current.set_by = new, FieldSource.PERSON, actor
                    current.updated_at, current.crm_value = now, None
                else:
                    handoff.fields.remove(current)
            if not changes:
                return
            session.flush()
            session.refresh(handoff, ["fields"])
            labels = [spec.label for spec in self._playbook.fields if spec.key in changes]
            self._changed(
                session,
                handoff,
                actor,
                AuditAction.FIELD_SET,
                now,
                {"changes": changes, "labels": labels},
            )

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
