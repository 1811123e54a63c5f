"""Writing back to HubSpot: deal properties in batches of 100, follow-up tasks, notes.

Every write is an outbox row queued with the change that caused it (one pending write-back per
handoff, so bursts coalesce); this job sends the due rows. A rate limit or an outage backs off
and retries (the transport pauses for HubSpot's window after a 429); a refused token tells the
admins and retries hourly; a refused request (a 400: a missing property, a bad value) tells the
admins once and is not retried. A refused batch is split to find the deal at fault, unless
HubSpot names a property, which every deal of the batch then shares.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any, Protocol

from sqlalchemy import select

from bot.config.playbook import Playbook
from bot.crm.errors import CrmRejected, CrmUnavailable
from bot.crm.hubspot.directory import HubSpotDirectory
from bot.crm.hubspot.errors import HubSpotAuthError, HubSpotRejected
from bot.crm.hubspot.mapping import SOURCE
from bot.crm.hubspot.notices import AUTH_RETRY_SECONDS, AdminNotices
from bot.crm.hubspot.records import PropertyInfo
from bot.crm.tasks import DealState, follow_up_due
from bot.delivery.outbox import LeasedMessage, RelayReport, lease_due, settle
from bot.delivery.ports import SlackGateway, SlackUnavailable
from bot.domain.clock import Clock
from bot.workflow.commitment_rows import commitment_for_crm, remember_crm_task
from storage.db import SessionFactory
from storage.enums import OutboxKind
from storage.models import Handoff

log = logging.getLogger(__name__)

WRITE_KINDS = (
    OutboxKind.CRM_WRITE_BACK,
    OutboxKind.CRM_TASK,
    OutboxKind.CRM_NOTE,
    OutboxKind.CRM_COMMITMENT,
)
BATCH_LIMIT = 100
_Batch = list[tuple[str, dict[str, str], list[int]]]  # deal id, properties, outbox rows


class WriteBackClient(Protocol):
    def update_deals(self, updates: Mapping[str, Mapping[str, str]]) -> None: ...

    def create_task(
        self,
        *,
        deal_id: str,
        subject: str,
        body: str,
        due: datetime,
        owner_id: str | None,
        status: Any = "NOT_STARTED",
    ) -> str: ...

    def update_task(self, task_id: str, properties: Mapping[str, str]) -> None: ...

    def create_note(self, *, deal_id: str, body: str, at: datetime) -> str: ...

    def deal_properties(self) -> dict[str, PropertyInfo]: ...


class HubSpotWriteBack:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        playbook: Playbook,
        client: WriteBackClient,
        directory: HubSpotDirectory,
        slack: SlackGateway,
        notices: AdminNotices,
        batch_size: int = 500,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._mapping = playbook.hubspot
        self._commitments_as = playbook.commitments.hubspot_as
        self._hubspot = client
        self._directory = directory
        self._slack = slack
        self._notices = notices
        self.batch_size = batch_size
        self._schema: dict[str, PropertyInfo] | None = None  # read once, when a type matters

    def run_once(self, report: RelayReport | None = None) -> RelayReport:
        report = report or RelayReport()
        rows = lease_due(
            self._sessions,
            kinds=WRITE_KINDS,
            now=self._clock.now(),
            limit=self.batch_size,
            crm=SOURCE,
        )
        emails: dict[str, str | None] = {}  # Slack user -> email, for this run
        handoffs = self._deals({row.handoff_id for row in rows if row.handoff_id})
        writes = [row for row in rows if row.kind is OutboxKind.CRM_WRITE_BACK]
        self._write_back(writes, handoffs, emails, report)
        for row in rows:
            if row.kind is not OutboxKind.CRM_WRITE_BACK:
                self._activity(row, handoffs.get(row.handoff_id or 0), emails, report)
        return report

    # -- deal properties -----------------------------------------------------------------------
    def _write_back(
        self,
        rows: list[LeasedMessage],
        handoffs: dict[int, DealState],
        emails: dict[str, str | None],
        report: RelayReport,
    ) -> None:
        pending: dict[str, tuple[dict[str, str], list[int]]] = {}
        for row in rows:
            state = handoffs.get(row.handoff_id or 0)
            if state is None:  # the handoff is gone; nothing to write
                self._settle([row.id], report)
                continue
            try:
                values = self._values(state, emails)
            except (CrmUnavailable, SlackUnavailable) as error:
                self._retry([row.id], error, report)
                continue
            except CrmRejected as error:
                self._refused([row.id], error, report)
                continue
            if not values:
                self._settle([row.id], report)
                continue
            props, ids = pending.setdefault(state.deal_id, ({}, []))
            props.update(values)
            ids.append(row.id)
        batch = [(deal, props, ids) for deal, (props, ids) in pending.items()]
        for start in range(0, len(batch), BATCH_LIMIT):
            self._update(batch[start : start + BATCH_LIMIT], report)

    def _values(self, state: DealState, emails: dict[str, str | None]) -> dict[str, str]:
        names = self._mapping.write_back
        values: dict[str, str] = {}
        if names.status:
            values[names.status] = state.status
        if names.owner:
            values[names.owner] = self._owner_value(names.owner, state.owner_slack_id, emails)
        if names.ready:
            values[names.ready] = "true" if state.ready else "false"
        if names.ready_at:
            values[names.ready_at] = self._moment(names.ready_at, state.ready_at)
        if names.slack_link and state.slack_link:
            values[names.slack_link] = state.slack_link
        return values

    def _owner_value(self, prop: str, slack_id: str | None, emails: dict[str, str | None]) -> str:
        """The CSM's email, or their HubSpot owner id for a "HubSpot user" property."""
        if not slack_id:
            return ""
        email = self._email(slack_id, emails)
        info = self._property(prop)
        if info is not None and info.owner_reference:
            return self._directory.owner_id(email) or ""
        return email or ""

    def _moment(self, prop: str, moment: datetime | None) -> str:
        """A datetime property takes the instant; a date property only midnight UTC."""
        if moment is None:
            return ""
        info = self._property(prop)
        if info is not None and info.type == "date":
            return moment.astimezone(UTC).date().isoformat()
        return moment.astimezone(UTC).isoformat()

    def _property(self, name: str) -> PropertyInfo | None:
        if self._schema is None:
            self._schema = self._hubspot.deal_properties()
        return self._schema.get(name)

    def _update(self, batch: _Batch, report: RelayReport) -> None:
        rows = [row for _, _, ids in batch for row in ids]
        try:
            self._hubspot.update_deals({deal: props for deal, props, _ in batch})
        except CrmUnavailable as error:
            self._retry(rows, error, report)
        except HubSpotRejected as error:
            shared = error.property_name is not None and all(
                error.property_name in props for _, props, _ in batch
            )
            if len(batch) > 1 and not shared:
                half = len(batch) // 2
                self._update(batch[:half], report)
                self._update(batch[half:], report)
            else:
                self._refused(rows, error, report)
        except CrmRejected as error:
            self._refused(rows, error, report)
        else:
            self._settle(rows, report)

    # -- tasks and notes -----------------------------------------------------------------------
    def _activity(
        self,
        row: LeasedMessage,
        state: DealState | None,
        emails: dict[str, str | None],
        report: RelayReport,
    ) -> None:
        if state is None:
            self._settle([row.id], report)
            return
        payload = row.payload
        try:
            if row.kind is OutboxKind.CRM_COMMITMENT:
                self._commitment(int(payload["commitment_id"]), emails)
            elif row.kind is OutboxKind.CRM_TASK:
                self._hubspot.create_task(
                    deal_id=state.deal_id,
                    subject=str(payload["subject"]),
                    body=str(payload.get("description", "")),
                    due=follow_up_due(payload, self._mapping.follow_up_days),
                    owner_id=self._task_owner(payload.get("owner_slack_id"), emails),
                )
            elif self._mapping.activities == "tasks":
                self._hubspot.create_task(
                    deal_id=state.deal_id,
                    subject=str(payload["subject"]),
                    body=str(payload.get("text", "")),
                    due=datetime.fromisoformat(str(payload["at"])),
                    owner_id=self._task_owner(payload.get("author_slack_id"), emails),
                    status="COMPLETED",
                )
            else:
                self._hubspot.create_note(
                    deal_id=state.deal_id,
                    body=_note_body(str(payload["subject"]), str(payload.get("text", ""))),
                    at=datetime.fromisoformat(str(payload["at"])),
                )
        except (CrmUnavailable, SlackUnavailable) as error:
            self._retry([row.id], error, report)
        except CrmRejected as error:
            self._refused([row.id], error, report)
        else:
            self._settle([row.id], report)

    def _commitment(self, commitment_id: int, emails: dict[str, str | None]) -> None:
        """A confirmed commitment: a task on the deal due when it is, kept in step with the
        commitment (its wording, date, owner and status); or, with ``commitments.hubspot_as:
        note``, one note when it is confirmed (a note is a record of the moment)."""
        with self._sessions.begin() as session:
            promise = commitment_for_crm(session, commitment_id)
        if promise is None or (promise.task_id and self._commitments_as == "note"):
            return
        due = datetime.combine(promise.due_on or self._clock.now().date(), time(12), tzinfo=UTC)
        if promise.task_id:
            changes = {
                "hs_task_subject": promise.task_subject,
                "hs_task_body": promise.description,
                "hs_timestamp": due.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "hs_task_status": "COMPLETED" if promise.done else "NOT_STARTED",
            }
            self._hubspot.update_task(promise.task_id, changes)
            return
        if self._commitments_as == "note":
            made = self._hubspot.create_note(
                deal_id=promise.deal_id,
                body=_note_body(promise.subject, promise.description),
                at=self._clock.now(),
            )
        else:
            made = self._hubspot.create_task(
                deal_id=promise.deal_id,
                subject=promise.task_subject,
                body=promise.description,
                due=due,
                owner_id=self._task_owner(promise.owner_slack_id, emails),
                status="COMPLETED" if promise.done else "NOT_STARTED",
            )
        with self._sessions.begin() as session:
            remember_crm_task(session, commitment_id, str(made))

    def _task_owner(self, slack_id: object, emails: dict[str, str | None]) -> str | None:
        """The CSM's HubSpot owner; else the playbook's task owner; else nobody (told once)."""
        email = self._email(str(slack_id), emails) if slack_id else None
        found = self._directory.owner_id(email)
        if found:
            return found
        fallback = self._directory.owner_id(self._mapping.task_owner)
        if email:
            self._notices.tell(
                f"no-owner:{email}",
                f"No HubSpot user has the email {email} (<@{slack_id}>): their HubSpot tasks are "
                f"owned by {self._mapping.task_owner or 'nobody'}. Add them as a HubSpot user, "
                "or set hubspot.task_owner in the playbook.",
            )
        return fallback

    # -- bookkeeping ---------------------------------------------------------------------------
    def _deals(self, handoff_ids: set[int]) -> dict[int, DealState]:
        if not handoff_ids:
            return {}
        with self._sessions.begin() as session:
            found = session.scalars(select(Handoff).where(Handoff.id.in_(handoff_ids)))
            return {handoff.id: DealState.of(handoff) for handoff in found}

    def _email(self, slack_id: str, emails: dict[str, str | None]) -> str | None:
        if slack_id not in emails:
            emails[slack_id] = self._slack.user_email(slack_id)
        return emails[slack_id]

    def _settle(self, rows: list[int], report: RelayReport) -> None:
        for row in rows:
            settle(self._sessions, row, now=self._clock.now())
        report.outbox_done += len(rows)

    def _retry(self, rows: list[int], error: Exception, report: RelayReport) -> None:
        wait = error.retry_after if isinstance(error, CrmUnavailable | SlackUnavailable) else None
        for row in rows:
            settle(self._sessions, row, now=self._clock.now(), error=str(error), retry_after=wait)
        report.deferred += len(rows)

    def _refused(self, rows: list[int], error: CrmRejected, report: RelayReport) -> None:
        self._notices.refused(error, "a write-back to HubSpot")
        now = self._clock.now()
        if isinstance(error, HubSpotAuthError):  # fixed by a person: keep the work, try hourly
            for row in rows:
                settle(
                    self._sessions, row, now=now, error=str(error), retry_after=AUTH_RETRY_SECONDS
                )
            report.deferred += len(rows)
            return
        for row in rows:
            settle(self._sessions, row, now=now, error=str(error), failed=True)
        report.failed += len(rows)
        report.errors.append(str(error))


def _note_body(subject: str, text: str) -> str:
    """HubSpot renders a note's body as HTML: the text is escaped, its lines kept."""
    lines = html.escape(text).replace("\n", "<br>")
    return f"<p><strong>{html.escape(subject)}</strong></p><p>{lines}</p>"
