"""Writing back to Salesforce: Opportunity fields, follow-up Tasks, record refreshes.

Every write is an outbox row written with the change that caused it. Due rows go out together,
25 to a composite request. A limit or an outage backs off and retries; a refusal by the org
(a validation rule, a missing field) is shown to the admins once and not retried forever.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update

from bot.config.playbook import Playbook
from bot.crm.errors import CrmRejected, CrmUnavailable
from bot.crm.salesforce.activities import commitment_task_fields, task_fields, task_owner
from bot.crm.salesforce.client import SalesforcePort
from bot.crm.salesforce.poll import SalesforcePoller
from bot.crm.tasks import CrmCommitment
from bot.delivery.outbox import LeasedMessage, RelayReport, due_messages, lease_message, settle
from bot.delivery.ports import SlackGateway, SlackRejected, SlackUnavailable
from bot.domain.clock import Clock
from bot.workflow.commitment_rows import commitment_for_crm, remember_crm_task
from storage import repositories
from storage.db import SessionFactory
from storage.enums import CrmName, HandoffStatus, OutboxKind
from storage.models import Handoff

log = logging.getLogger(__name__)

COMPOSITE_LIMIT = 25
WRITE_KINDS = (
    OutboxKind.CRM_WRITE_BACK,
    OutboxKind.CRM_TASK,
    OutboxKind.CRM_NOTE,
    OutboxKind.CRM_COMMITMENT,
)
STATUS_LABELS = {
    HandoffStatus.UPCOMING: "Upcoming",
    HandoffStatus.HELD: "Held",
    HandoffStatus.OPEN: "Open",
    HandoffStatus.READY: "Ready",
    HandoffStatus.CANCELLED: "Closed",
}
TRANSIENT_CODES = {"REQUEST_LIMIT_EXCEEDED", "UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"}


class SalesforceWriteBack:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        playbook: Playbook,
        salesforce: SalesforcePort,
        slack: SlackGateway,
        poller: SalesforcePoller,
        batch_size: int = 100,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._playbook = playbook
        self._salesforce = salesforce
        self._slack = slack
        self._poller = poller
        self._batch_size = batch_size
        self._sf_users: dict[str, str | None] = {}
        self._commitments: dict[str, int] = {}  # composite referenceId -> commitment id

    def run_once(self, report: RelayReport | None = None) -> RelayReport:
        report = report or RelayReport()
        self._refresh_records(report)
        due = due_messages(
            self._sessions,
            kinds=WRITE_KINDS,
            now=self._clock.now(),
            limit=self._batch_size,
            crm=CrmName.SALESFORCE,
        )
        # Rows are leased a composite call at a time, each with the clock read then: however
        # slow the org, no row is sent while another replica may be sending it.
        for start in range(0, len(due), COMPOSITE_LIMIT):
            pending: list[tuple[LeasedMessage, dict[str, Any]]] = []
            for row_id in due[start : start + COMPOSITE_LIMIT]:
                row = lease_message(self._sessions, row_id, now=self._clock.now())
                if row is None:
                    continue
                try:
                    request = self._request(row.id, row.kind, row.handoff_id, row.payload)
                except SlackUnavailable as error:  # the card's permalink, for now out of reach
                    self._retry(row, str(error), error.retry_after)
                    report.deferred += 1
                    continue
                if request is None:
                    self._finish(row)
                    report.outbox_done += 1
                else:
                    pending.append((row, request))
            if pending:
                self._send(pending, report)
        return report

    # -- building requests --------------------------------------------------------------------
    def _request(
        self, row_id: int, kind: OutboxKind, handoff_id: int | None, payload: dict[str, Any]
    ) -> dict[str, Any] | None:
        with self._sessions.begin() as session:
            handoff = session.get(Handoff, handoff_id) if handoff_id else None
            if handoff is None:
                return None
            snapshot = {
                "deal_id": handoff.deal_id,
                "status": handoff.status,
                "owner": handoff.owner_slack_id,
                "ready_at": handoff.ready_at,
                "channel": handoff.channel_id,
                "ts": handoff.card_ts,
                "permalink": handoff.card_permalink,
                "deal_name": handoff.deal_name,
                "handoff_id": handoff.id,
            }
            promise = (
                commitment_for_crm(session, int(payload["commitment_id"]))
                if kind is OutboxKind.CRM_COMMITMENT
                else None
            )
        base = f"/services/data/v{self._salesforce.api_version()}/sobjects"
        if kind is OutboxKind.CRM_COMMITMENT:
            return self._commitment_request(row_id, base, promise) if promise else None
        if kind is OutboxKind.CRM_WRITE_BACK:
            body = self._opportunity_fields(snapshot)
            if not body:
                return None
            return {
                "method": "PATCH",
                "url": f"{base}/Opportunity/{snapshot['deal_id']}",
                "referenceId": f"row{row_id}",
                "body": body,
            }
        task: dict[str, Any] = {
            "WhatId": snapshot["deal_id"],
            **task_fields(kind, payload, follow_up_days=self._playbook.salesforce.follow_up_days),
        }
        owner = self._salesforce_user(task_owner(payload))
        if owner:
            task["OwnerId"] = owner
        return {
            "method": "POST",
            "url": f"{base}/Task",
            "referenceId": f"row{row_id}",
            "body": task,
        }

    def _commitment_request(self, row_id: int, base: str, promise: CrmCommitment) -> dict[str, Any]:
        """One Task per commitment: created once, then updated with every change."""
        fields = commitment_task_fields(promise)
        if promise.task_id:
            url, method = f"{base}/Task/{promise.task_id}", "PATCH"
        else:
            url, method = f"{base}/Task", "POST"
            fields["WhatId"] = promise.deal_id
            owner = self._salesforce_user(promise.owner_slack_id)
            if owner:
                fields["OwnerId"] = owner
        self._commitments[f"row{row_id}"] = promise.commitment_id
        return {"method": method, "url": url, "referenceId": f"row{row_id}", "body": fields}

    def _opportunity_fields(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        names = self._playbook.salesforce.write_back
        values: dict[str, Any] = {}
        if names.status:
            values[names.status] = STATUS_LABELS[snapshot["status"]]
        if names.owner:
            owner = snapshot["owner"]
            values[names.owner] = (self._slack.user_email(owner) or owner) if owner else None
        if names.ready:
            values[names.ready] = snapshot["status"] is HandoffStatus.READY
        if names.ready_at:
            ready_at = snapshot["ready_at"]
            values[names.ready_at] = ready_at.isoformat() if ready_at else None
        if names.slack_link and snapshot["ts"] and snapshot["channel"]:
            link = snapshot["permalink"] or self._permalink(snapshot)
            if link:
                values[names.slack_link] = link
        return values

    def _permalink(self, snapshot: dict[str, Any]) -> str | None:
        """The workspace's own link to the card (``chat.getPermalink``), kept with its ts."""
        channel, ts = str(snapshot["channel"]), str(snapshot["ts"])
        try:
            link = self._slack.permalink(channel=channel, ts=ts)
        except SlackRejected as error:
            log.warning("handoff %s: no link to its card: %s", snapshot["handoff_id"], error)
            return None
        with self._sessions.begin() as session:
            session.execute(
                update(Handoff)
                .where(Handoff.id == snapshot["handoff_id"], Handoff.card_ts == ts)
                .values(card_permalink=link[:500])
                .execution_options(synchronize_session=False)
            )
        return link

    def _salesforce_user(self, slack_user: object) -> str | None:
        if not slack_user:
            return None
        slack_id = str(slack_user)
        override = self._playbook.salesforce.user_overrides.get(slack_id)
        if override:
            return override
        email = self._slack.user_email(slack_id)
        if not email:
            return None
        if email not in self._sf_users:
            self._sf_users[email] = self._salesforce.user_id_by_email(email)
        found = self._sf_users[email]
        if found is None:
            self._tell_admins_once(
                f"unmapped:{email}",
                f"No active Salesforce user has the email {email} (<@{slack_id}>); their "
                "follow-up Tasks are owned by the integration user. Add them to "
                "salesforce.user_overrides in the playbook.",
            )
        return found

    # -- sending ------------------------------------------------------------------------------
    def _send(self, batch: list[tuple[LeasedMessage, dict[str, Any]]], report: RelayReport) -> None:
        promises = {row.id: self._commitments.pop(f"row{row.id}", None) for row, _ in batch}
        try:
            results = self._salesforce.composite([request for _, request in batch])
        except CrmUnavailable as error:
            for row, _ in batch:
                self._retry(row, str(error), error.retry_after)
            report.deferred += len(batch)
            return
        except CrmRejected as error:
            self._tell_admins_once(f"sf-rejected:{error}", f"Salesforce refused Handoff: {error}")
            for row, _ in batch:
                self._retry(row, str(error), 3600)
            report.failed += len(batch)
            return
        by_reference = {result["referenceId"]: result for result in results}
        for row, request in batch:
            result = by_reference.get(f"row{row.id}", {})
            status = int(result.get("httpStatusCode", 500))
            promise = promises[row.id]
            if 200 <= status < 300:
                created = result.get("body") if isinstance(result.get("body"), dict) else {}
                if promise is not None and created and created.get("id"):
                    with self._sessions.begin() as session:
                        remember_crm_task(session, promise, str(created["id"]))
                self._finish(row)
                report.outbox_done += 1
                continue
            errors = result.get("body") if isinstance(result.get("body"), list) else []
            code = str(errors[0].get("errorCode", "")) if errors else ""
            message = f"{code}: {errors[0].get('message', '')}" if errors else f"HTTP {status}"
            if code == "REQUEST_LIMIT_EXCEEDED":
                self._retry(row, message, self._salesforce.pause_for_limit())
                report.deferred += 1
            elif status >= 500 or code in TRANSIENT_CODES:
                self._retry(row, message, None)
                report.deferred += 1
            else:
                self._fail(row.id, message, request)
                report.failed += 1
                report.errors.append(message)

    def _refresh_records(self, report: RelayReport) -> None:
        due = due_messages(
            self._sessions,
            kinds=(OutboxKind.CRM_REFRESH,),
            now=self._clock.now(),
            limit=self._batch_size,
            crm=CrmName.SALESFORCE,
        )
        for row_id in due:
            row = lease_message(self._sessions, row_id, now=self._clock.now())
            if row is None:
                continue
            try:
                self._poller.refresh(str(row.payload["opportunity_id"]))
            except CrmUnavailable as error:
                self._retry(row, str(error), error.retry_after)
                report.deferred += 1
            except CrmRejected as error:
                self._fail(row.id, str(error), {"url": row.payload["opportunity_id"]})
                report.failed += 1
            else:
                self._finish(row)
                report.outbox_done += 1

    # -- bookkeeping --------------------------------------------------------------------------
    def _finish(self, row: LeasedMessage) -> None:
        if row.attempts:
            log.info(
                "Salesforce %s %s (handoff %s) done after %s failed attempt(s)",
                row.kind.value,
                row.id,
                row.handoff_id,
                row.attempts,
            )
        settle(self._sessions, row.id, now=self._clock.now())

    def _fail(self, row_id: int, message: str, request: dict[str, Any]) -> None:
        log.warning("Salesforce refused %s, not retried: %s", request.get("url"), message)
        settle(self._sessions, row_id, now=self._clock.now(), error=message, failed=True)
        self._tell_admins_once(
            f"sf-failed:{row_id}",
            f"Salesforce refused a Handoff update ({request.get('url')}): {message}. "
            "Fix the field or validation rule in Salesforce; this update will not be retried.",
        )

    def _retry(self, row: LeasedMessage, message: str, retry_after: float | None) -> None:
        if row.attempts == 0:
            log.warning(
                "Salesforce %s %s (handoff %s) delayed: %s",
                row.kind.value,
                row.id,
                row.handoff_id,
                message,
            )
        settle(
            self._sessions, row.id, now=self._clock.now(), error=message, retry_after=retry_after
        )

    def _tell_admins_once(self, key: str, text: str) -> None:
        with self._sessions.begin() as session:
            repositories.enqueue(
                session,
                kind=OutboxKind.NOTIFY_ADMINS,
                now=self._clock.now(),
                payload={"text": text},
                dedupe_key=key[:128],
                once=True,
            )
