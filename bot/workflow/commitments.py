"""The commitments ledger: propose, edit, split, merge, drop, confirm, deliver, at risk.

The AE proposes and edits before the sync; the owner and the reviewers confirm, drop and
track; admins may do both. Every change is audited through the recorder, moves the card and
re-computes the summary field (``commitments.summary_field``, by default promises_made).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.domain.business_time import BusinessCalendar
from bot.domain.commitments import check_move, text_errors, view_of
from bot.domain.errors import NotFound, Refused
from bot.domain.permissions import Permission, require
from bot.domain.roles import Role
from bot.workflow.changes import HandoffChanges, party_of
from bot.workflow.commitment_rows import (
    list_commitments,
    queue_crm_commitment,
    refresh_summary,
    schedule_reminder,
)
from storage.commitment_models import Commitment
from storage.enums import AuditAction, CommitmentSource, CommitmentStatus
from storage.models import Handoff

__all__ = ["CommitmentDraft", "CommitmentService", "list_commitments"]

MOVED = {
    CommitmentStatus.CONFIRMED: AuditAction.COMMITMENT_CONFIRMED,
    CommitmentStatus.DROPPED: AuditAction.COMMITMENT_DROPPED,
    CommitmentStatus.DELIVERED: AuditAction.COMMITMENT_DELIVERED,
    CommitmentStatus.AT_RISK: AuditAction.COMMITMENT_AT_RISK,
}


@dataclass(frozen=True, slots=True)
class CommitmentDraft:
    """What the Commitments form holds: the wording, the two sides, a date, the CS owner."""

    text: str
    promised_by: str | None = None
    promised_to: str | None = None
    due_on: date | None = None
    owner_slack_id: str | None = None


class CommitmentService(HandoffChanges):
    def __init__(self, *, calendar: BusinessCalendar, **changes: object) -> None:
        super().__init__(**changes)  # type: ignore[arg-type]
        self._calendar = calendar

    # -- reading ----------------------------------------------------------------------------
    def authorize_ledger(self, *, handoff_id: int, actor: str) -> None:
        """Who may open the Commitments modal: whoever may edit or review the ledger."""
        with self._ledger(handoff_id, actor, edit=True, review=True, lock=False):
            return

    def draft_errors(self, draft: CommitmentDraft) -> dict[str, str]:
        errors: dict[str, str] = {}
        if problem := text_errors(draft.text):
            errors["text"] = problem
        for key, value in (("by", draft.promised_by), ("to", draft.promised_to)):
            if value and len(value) > 200:
                errors[key] = "Keep it under 200 characters."
        return errors

    # -- the AE's side (before the sync) -----------------------------------------------------
    def add(self, *, handoff_id: int, actor: str, draft: CommitmentDraft) -> int:
        now = self._clock.now()
        self._valid(draft)
        with self._ledger(handoff_id, actor, edit=True) as (session, handoff):
            row = Commitment(
                handoff_id=handoff.id,
                text=draft.text.strip(),
                promised_by=draft.promised_by,
                promised_to=draft.promised_to or handoff.account_name,
                due_on=draft.due_on,
                status=CommitmentStatus.PROPOSED,
                owner_slack_id=draft.owner_slack_id or handoff.owner_slack_id,
                source_kind=CommitmentSource.ENTERED,
                entered_by=actor,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            self._done(session, handoff, actor, AuditAction.COMMITMENT_PROPOSED, now, row)
            return row.id

    def edit(self, *, commitment_id: int, actor: str, draft: CommitmentDraft) -> None:
        now = self._clock.now()
        self._valid(draft)
        with self._one(commitment_id, actor, edit=True, review=True) as (session, handoff, row):
            self._not_final(row)
            before = view_of(row)
            row.text, row.promised_by = draft.text.strip(), draft.promised_by
            row.promised_to, row.owner_slack_id = draft.promised_to, draft.owner_slack_id
            if row.due_on != draft.due_on:
                row.due_on, row.reminded_at, row.overdue_at = draft.due_on, None, None
                schedule_reminder(
                    session, row, playbook=self._playbook, calendar=self._calendar, now=now
                )
            row.updated_at = now
            changed = [
                name
                for name in ("text", "promised_by", "promised_to", "due_on", "owner_slack_id")
                if getattr(before, name) != getattr(row, name)
            ]
            self._done(
                session, handoff, actor, AuditAction.COMMITMENT_EDITED, now, row, changed=changed
            )

    def split(self, *, commitment_id: int, actor: str, parts: list[str]) -> list[int]:
        """One commitment that holds several promises becomes one per part."""
        now = self._clock.now()
        parts = [p.strip() for p in parts if p.strip()]
        if len(parts) < 2 or any(text_errors(p) for p in parts):
            raise Refused("Give each part on its own line, at least two of them.")
        with self._one(commitment_id, actor, edit=True, review=True) as (session, handoff, row):
            self._proposed(row)
            row.text, row.updated_at = parts[0], now
            new = [self._copy(row, text, now) for text in parts[1:]]
            session.add_all(new)
            session.flush()
            self._done(
                session, handoff, actor, AuditAction.COMMITMENT_SPLIT, now, row,
                into=[row.id, *(n.id for n in new)],
            )  # fmt: skip
            return [row.id, *(n.id for n in new)]

    def merge(self, *, commitment_ids: list[int], actor: str, text: str) -> int:
        """Proposed commitments that are one promise become one; the others are dropped."""
        now = self._clock.now()
        if len(set(commitment_ids)) < 2:
            raise Refused("Pick at least two commitments to merge.")
        if problem := text_errors(text):
            raise Refused(problem)
        keep, *rest = commitment_ids
        with self._one(keep, actor, edit=True, review=True) as (session, handoff, row):
            others = [session.get(Commitment, i) for i in rest]
            for other in others:
                if other is None or other.handoff_id != handoff.id:
                    raise NotFound("One of those commitments no longer exists.")
                self._proposed(other)
            self._proposed(row)
            row.text, row.updated_at = text.strip(), now
            for other in others:
                assert other is not None
                other.status, other.updated_at = CommitmentStatus.DROPPED, now
                other.drop_reason = f"merged into #{row.id}"
            self._done(
                session, handoff, actor, AuditAction.COMMITMENT_MERGED, now, row,
                merged=[o.id for o in others if o is not None],
            )  # fmt: skip
            return row.id

    # -- the owner's side (at and after the sync) --------------------------------------------
    def move(
        self,
        *,
        commitment_id: int,
        actor: str,
        to: CommitmentStatus,
        reason: str | None = None,
    ) -> None:
        """Confirm, drop (with a reason), mark delivered or at risk."""
        now = self._clock.now()
        if to is CommitmentStatus.DROPPED and len((reason or "").strip()) < 3:
            raise Refused("Say why it is dropped; the AE and the CRM see the reason.")
        # The AE may drop their own proposal before the sync; the rest is the owner's.
        edit = to is CommitmentStatus.DROPPED
        with self._one(commitment_id, actor, edit=edit, review=True) as (session, handoff, row):
            self._apply(session, handoff, actor, row, to, reason, now)

    def review(
        self, *, handoff_id: int, actor: str, decisions: dict[int, tuple[str, str | None]]
    ) -> None:
        """The sync's review: each proposed commitment confirmed or dropped (with a reason)."""
        now = self._clock.now()
        with self._ledger(handoff_id, actor, review=True) as (session, handoff):
            for commitment_id, (decision, reason) in decisions.items():
                row = session.get(Commitment, commitment_id)
                if row is None or row.handoff_id != handoff.id:
                    raise NotFound("That commitment no longer exists.")
                if row.status is not CommitmentStatus.PROPOSED:
                    continue  # decided meanwhile (another reviewer, the card's menu)
                to = CommitmentStatus.CONFIRMED if decision == "confirm" else None
                if decision == "drop":
                    to = CommitmentStatus.DROPPED
                    if len((reason or "").strip()) < 3:
                        raise Refused("Say why each dropped commitment is dropped.")
                if to is not None:
                    self._apply(session, handoff, actor, row, to, reason, now)

    def review_errors(self, decisions: dict[int, tuple[str, str | None]]) -> dict[int, str]:
        return {
            cid: "Say why it is dropped."
            for cid, (decision, reason) in decisions.items()
            if decision == "drop" and len((reason or "").strip()) < 3
        }

    # -- shared ------------------------------------------------------------------------------
    def _apply(
        self,
        session: Session,
        handoff: Handoff,
        actor: str,
        row: Commitment,
        to: CommitmentStatus,
        reason: str | None,
        now: datetime,
    ) -> None:
        check_move(row.status, to)
        row.status, row.updated_at = to, now
        if to is CommitmentStatus.CONFIRMED and row.confirmed_at is None:
            row.confirmed_at, row.confirmed_by = now, actor
            row.owner_slack_id = row.owner_slack_id or handoff.owner_slack_id
        if to is CommitmentStatus.DROPPED:
            row.drop_reason = (reason or "").strip()
        if to is CommitmentStatus.DELIVERED:
            row.delivered_at = now
        schedule_reminder(session, row, playbook=self._playbook, calendar=self._calendar, now=now)
        extra = {"reason": row.drop_reason} if to is CommitmentStatus.DROPPED else {}
        self._done(session, handoff, actor, MOVED[to], now, row, **extra)

    def _done(
        self,
        session: Session,
        handoff: Handoff,
        actor: str,
        action: AuditAction,
        now: datetime,
        row: Commitment,
        **detail: object,
    ) -> None:
        refresh_summary(session, handoff, self._playbook, now)
        queue_crm_commitment(session, handoff, row, now)
        note = {"commitment_id": row.id, "text": row.text, "status": row.status.value, **detail}
        self._changed(session, handoff, actor, action, now, note, also=[row.owner_slack_id])

    def _valid(self, draft: CommitmentDraft) -> None:
        if self.draft_errors(draft):
            raise Refused("The commitment could not be saved; open Commitments again.")

    @staticmethod
    def _copy(row: Commitment, text: str, now: datetime) -> Commitment:
        return Commitment(
            handoff_id=row.handoff_id, text=text, promised_by=row.promised_by,
            promised_to=row.promised_to, due_on=row.due_on, status=row.status,
            owner_slack_id=row.owner_slack_id, source_kind=row.source_kind,
            source_quote=row.source_quote, source_url=row.source_url,
            entered_by=row.entered_by, created_at=now, updated_at=now,
        )  # fmt: skip

    @staticmethod
    def _proposed(row: Commitment) -> None:
        if row.status is not CommitmentStatus.PROPOSED:
            raise Refused("Only proposed commitments can be split or merged.")

    @staticmethod
    def _not_final(row: Commitment) -> None:
        if row.status in (CommitmentStatus.DELIVERED, CommitmentStatus.DROPPED):
            raise Refused(f"This commitment is {row.status.value}; it can no longer change.")

    @contextmanager
    def _one(
        self, commitment_id: int, actor: str, *, edit: bool = False, review: bool = False
    ) -> Iterator[tuple[Session, Handoff, Commitment]]:
        with self._sessions.begin() as session:
            found = session.get(Commitment, commitment_id)
            handoff_id = found.handoff_id if found else None
        if handoff_id is None:
            raise NotFound("That commitment no longer exists.")
        with self._ledger(handoff_id, actor, edit=edit, review=review) as (session, handoff):
            row = session.get(Commitment, commitment_id)
            if row is None:
                raise NotFound("That commitment no longer exists.")
            yield session, handoff, row

    @contextmanager
    def _ledger(
        self,
        handoff_id: int,
        actor: str,
        *,
        edit: bool = False,
        review: bool = False,
        lock: bool = True,
    ) -> Iterator[tuple[Session, Handoff]]:
        """One transaction on a handoff whose ledger the actor may edit (the AE, before the
        sync) or review (the owner, the reviewers); admins may do both."""
        team = self._roles.roles_of(actor)
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id, lock=lock)
            self._open_or_refuse(handoff)
            refusal: Refused | None = None
            for wanted, permission in (
                (review, Permission.REVIEW_COMMITMENTS),
                (edit, Permission.EDIT_COMMITMENTS),
            ):
                if not wanted:
                    continue
                try:
                    held = require(
                        self._roles, actor=actor, team=team, party=party_of(handoff),
                        permission=permission,
                    )  # fmt: skip
                except Refused as refused:
                    refusal = refusal or refused
                    continue
                synced = handoff.sync_at is not None and handoff.sync_at <= self._clock.now()
                if permission is Permission.EDIT_COMMITMENTS and synced and Role.ADMIN not in held:
                    refusal = Refused(
                        "The sync has been held: the owner and the reviewers keep the "
                        "commitments now."
                    )
                    continue
                refusal = None
                break
            if refusal is not None:
                raise refusal
            yield session, handoff
