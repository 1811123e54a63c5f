"""Writing back to Salesforce: Opportunity fields, follow-up Tasks, record refreshes.

Every write is an outbox row written with the change that caused it. Due rows go out together,
25 to a composite request. A limit or an outage backs off and retries; a refusal by the org
(a validation rule, a missing field) is shown to the admins once and not retried forever.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.config.playbook import Playbook
from bot.crm.errors import CrmRejected, CrmUnavailable
from bot.crm.salesforce.activities import task_fields, task_owner
from bot.crm.salesforce.client import SalesforcePort
from bot.crm.salesforce.poll import SalesforcePoller
from bot.delivery.outbox import LeasedMessage, RelayReport, lease_due, settle
from bot.delivery.ports import SlackGateway
from bot.domain.clock import Clock
from storage import repositories
from storage.db import SessionFactory
from storage.enums import CrmName, HandoffStatus, OutboxKind
from storage.models import Handoff

log = logging.getLogger(__name__)

COMPOSITE_LIMIT = 25
WRITE_KINDS = (OutboxKind.CRM_WRITE_BACK, OutboxKind.CRM_TASK, OutboxKind.CRM_NOTE)
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

    def run_once(self, report: RelayReport | None = None) -> RelayReport:
        report = report or RelayReport()
        self._refresh_records(report)
        rows = self._lease(WRITE_KINDS)
        pending: list[tuple[int, dict[str, Any]]] = []
        for row in rows:
            request = self._request(row.id, row.kind, row.handoff_id, row.payload)
            if request is None:
                self._finish(row.id)
                report.outbox_done += 1
            else:
                pending.append((row.id, request))
        for start in range(0, len(pending), COMPOSITE_LIMIT):
            self._send(pending[start : start + COMPOSITE_LIMIT], report)
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
                "deal_name": handoff.deal_name,
            }
        base = f"/services/data/v{self._salesforce.api_version()}/sobjects"
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
        if names.slack_link and snapshot["ts"]:
            ts = str(snapshot["ts"]).replace(".", "")
            values[names.slack_link] = f"https://slack.com/archives/{snapshot['channel']}/p{ts}"
        return values

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
    def _send(self, batch: list[tuple[int, dict[str, Any]]], report: RelayReport) -> None:
        try:
            results = self._salesforce.composite([request for _, request in batch])
        except CrmUnavailable as error:
            for row_id, _ in batch:
                self._retry(row_id, str(error), error.retry_after)
            report.deferred += len(batch)
            return
        except CrmRejected as error:
            self._tell_admins_once(f"sf-rejected:{error}", f"Salesforce refused Handoff: {error}")
            for row_id, _ in batch:
                self._retry(row_id, str(error), 3600)
            report.failed += len(batch)
            return
        by_reference = {result["referenceId"]: result for result in results}
        for row_id, request in batch:
            result = by_reference.get(f"row{row_id}", {})
            status = int(result.get("httpStatusCode", 500))
            if 200 <= status < 300:
                self._finish(row_id)
                report.outbox_done += 1
                continue
            errors = result.get("body") if isinstance(result.get("body"), list) else []
            code = str(errors[0].get("errorCode", "")) if errors else ""
            message = f"{code}: {errors[0].get('message', '')}" if errors else f"HTTP {status}"
            if status >= 500 or code in TRANSIENT_CODES:
                self._retry(row_id, message, None)
                report.deferred += 1
            else:
                self._fail(row_id, message, request)
                report.failed += 1
                report.errors.append(message)

    def _refresh_records(self, report: RelayReport) -> None:
        for row in self._lease((OutboxKind.CRM_REFRESH,)):
            row_id, payload = row.id, row.payload
            try:
                self._poller.refresh(str(payload["opportunity_id"]))
            except CrmUnavailable as error:
                self._retry(row_id, str(error), error.retry_after)
                report.deferred += 1
            except CrmRejected as error:
                self._fail(row_id, str(error), {"url": payload["opportunity_id"]})
                report.failed += 1
            else:
                self._finish(row_id)
                report.outbox_done += 1

    # -- bookkeeping --------------------------------------------------------------------------
    def _lease(self, kinds: tuple[OutboxKind, ...]) -> list[LeasedMessage]:
        return lease_due(
            self._sessions,
            kinds=kinds,
            now=self._clock.now(),
            limit=self._batch_size,
            crm=CrmName.SALESFORCE,
        )

    def _finish(self, row_id: int) -> None:
        settle(self._sessions, row_id, now=self._clock.now())

    def _fail(self, row_id: int, message: str, request: dict[str, Any]) -> None:
        log.error("Salesforce refused %s: %s", request.get("url"), message)
        settle(self._sessions, row_id, now=self._clock.now(), error=message, failed=True)
        self._tell_admins_once(
            f"sf-failed:{row_id}",
            f"Salesforce refused a Handoff update ({request.get('url')}): {message}. "
            "Fix the field or validation rule in Salesforce; this update will not be retried.",
        )

    def _retry(self, row_id: int, message: str, retry_after: float | None) -> None:
        settle(
            self._sessions, row_id, now=self._clock.now(), error=message, retry_after=retry_after
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
