"""What people do to a handoff in Slack: fill fields, claim, reassign, except, sign off."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain import HandoffCard
from bot.errors import NotFound, Refused
from bot.fields import field_error, normalise
from bot.permissions import Permission, require
from bot.playbook import Playbook
from bot.roles import Party, Role, RoleDirectory
from bot.state import (
    card_snapshot,
    exception_active,
    mark_changed,
    missing_required,
    record_change,
    refresh_homes,
    status_for,
)
from storage import repositories
from storage.db import SessionFactory
from storage.enums import AuditAction, FieldSource, HandoffStatus
from storage.models import FieldValue, Handoff

CLOSED = (HandoffStatus.CANCELLED,)


def party_of(handoff: Handoff) -> Party:
    return Party(ae=handoff.ae_slack_id, owner=handoff.owner_slack_id)


class WorkflowService:
    def __init__(
        self, *, sessions: SessionFactory, clock: Clock, playbook: Playbook, roles: RoleDirectory
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._playbook = playbook
        self._roles = roles

    # -- reads ------------------------------------------------------------------------------
    def card(self, *, handoff_id: int) -> HandoffCard:
        with self._sessions.begin() as session:
            return card_snapshot(self._load(session, handoff_id, lock=False), self._playbook)

    def authorize(self, *, handoff_id: int, actor: str, permission: Permission) -> HandoffCard:
        """Check before opening a modal, so a refused click opens nothing."""
        team = self._roles.roles_of(actor)  # may ask Slack: before any transaction
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id, lock=False)
            require(
                self._roles, actor=actor, team=team, party=party_of(handoff), permission=permission
            )
            return card_snapshot(handoff, self._playbook)

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

    # -- changes ----------------------------------------------------------------------------
    def save_fields(self, *, handoff_id: int, actor: str, values: dict[str, str | None]) -> None:
        team = self._roles.roles_of(actor)  # may ask Slack: before any transaction
        now = self._clock.now()
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id)
            self._open_or_refuse(handoff)
            require(
                self._roles,
                actor=actor,
                team=team,
                party=party_of(handoff),
                permission=Permission.ADD_DETAILS,
            )
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
        team = self._roles.roles_of(actor)  # may ask Slack: before any transaction
        now = self._clock.now()
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id, lock=False)
            self._open_or_refuse(handoff)
            require(
                self._roles,
                actor=actor,
                team=team,
                party=party_of(handoff),
                permission=Permission.CLAIM,
            )
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
        team = self._roles.roles_of(actor)  # may ask Slack: before any transaction
        now = self._clock.now()
        if Role.CSM not in self._roles.roles_of(new_owner) | self._admin_as_csm(new_owner):
            raise Refused(f"<@{new_owner}> is not a CSM in the playbook, so cannot own a handoff.")
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id)
            self._open_or_refuse(handoff)
            require(
                self._roles,
                actor=actor,
                team=team,
                party=party_of(handoff),
                permission=Permission.REASSIGN,
            )
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
        team = self._roles.roles_of(actor)  # may ask Slack: before any transaction
        now = self._clock.now()
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id)
            self._open_or_refuse(handoff)
            require(
                self._roles,
                actor=actor,
                team=team,
                party=party_of(handoff),
                permission=Permission.RELEASE,
            )
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

    def grant_exception(
        self, *, handoff_id: int, actor: str, reason: str, until: str | None
    ) -> None:
        team = self._roles.roles_of(actor)  # may ask Slack: before any transaction
        now = self._clock.now()
        if self.exception_errors(reason=reason, until=until):
            raise Refused("The exception could not be granted; open it again and check the form.")
        end = date.fromisoformat(until) if until else None
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id)
            self._open_or_refuse(handoff)
            require(
                self._roles,
                actor=actor,
                team=team,
                party=party_of(handoff),
                permission=Permission.GRANT_EXCEPTION,
            )
            missing = missing_required(handoff, self._playbook)
            if not missing:
                raise Refused("No required field is missing, so no exception is needed.")
            handoff.exception_by, handoff.exception_reason = actor, reason.strip()
            handoff.exception_at, handoff.exception_until = now, end
            self._changed(
                session,
                handoff,
                actor,
                AuditAction.EXCEPTION_GRANTED,
                now,
                {
                    "reason": reason.strip(),
                    "until": until,
                    "missing": missing,
                },
            )

    def mark_ready(self, *, handoff_id: int, actor: str, success_plan_reviewed: bool) -> None:
        team = self._roles.roles_of(actor)  # may ask Slack: before any transaction
        now = self._clock.now()
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id)
            self._open_or_refuse(handoff)
            require(
                self._roles,
                actor=actor,
                team=team,
                party=party_of(handoff),
                permission=Permission.MARK_READY,
            )
            self._ready_or_refuse(handoff, now)
            handoff.status = HandoffStatus.READY
            handoff.ready_by, handoff.ready_at = actor, now
            handoff.success_plan_reviewed = success_plan_reviewed
            self._changed(
                session,
                handoff,
                actor,
                AuditAction.MARKED_READY,
                now,
                {"status": ["open", "ready"], "success_plan_reviewed": success_plan_reviewed},
            )

    def authorize_ready(self, *, handoff_id: int, actor: str) -> HandoffCard:
        """A reviewer may sign off, and the handoff meets the bar: open the confirmation."""
        team = self._roles.roles_of(actor)  # may ask Slack: before any transaction
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id, lock=False)
            self._open_or_refuse(handoff)
            require(
                self._roles,
                actor=actor,
                team=team,
                party=party_of(handoff),
                permission=Permission.MARK_READY,
            )
            self._ready_or_refuse(handoff, self._clock.now())
            return card_snapshot(handoff, self._playbook)

    def exception_errors(self, *, reason: str, until: str | None) -> dict[str, str]:
        errors: dict[str, str] = {}
        if len(reason.strip()) < 5:
            errors["reason"] = "Say why in a few words; it is shown on the card."
        elif len(reason.strip()) > 500:
            errors["reason"] = "Keep it under 500 characters."
        if until and date.fromisoformat(until) < self._clock.now().date():
            errors["until"] = "Pick today or a later date."
        return errors

    # -- helpers ----------------------------------------------------------------------------
    def _ready_or_refuse(self, handoff: Handoff, now: datetime) -> None:
        if handoff.status is HandoffStatus.READY:
            raise Refused(f"<@{handoff.ready_by}> already marked this handoff ready.")
        if handoff.status is HandoffStatus.UPCOMING:
            raise Refused("The deal has not closed yet; mark it ready once it has.")
        if handoff.owner_slack_id is None:
            raise Refused("A CSM must own this handoff before it can be marked ready.")
        missing = missing_required(handoff, self._playbook)
        if missing and not exception_active(handoff, now.date()):
            labels = ", ".join(spec.label for spec in self._playbook.fields if spec.key in missing)
            raise Refused(
                f"Required fields are missing ({labels}). Fill them, or a reviewer can grant "
                "an exception."
            )

    def _admin_as_csm(self, user: str) -> set[Role]:
        return {Role.CSM} if Role.ADMIN in self._roles.roles_of(user) else set()

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
        detail: dict[str, object],
        *,
        also: Iterable[str | None] = (),
    ) -> None:
        handoff.status = status_for(handoff, self._playbook, today=now.date())
        mark_changed(handoff, now)
        record_change(session, handoff=handoff, actor=actor, action=action, now=now, detail=detail)
        refresh_homes(session, [actor, handoff.ae_slack_id, handoff.owner_slack_id, *also], now)
