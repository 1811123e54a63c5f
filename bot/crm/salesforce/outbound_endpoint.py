"""``POST /crm/salesforce/outbound``: Salesforce Outbound Messages (SOAP) in, Ack out.

The Ack is sent only once every notification is stored and applied; anything wrong with the
message gets a SOAP fault and stores nothing. Outbound Messages carry no relationship fields
(Owner.Email, Account.Name), so each Opportunity is also re-read through the API, off the
request path.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.config.playbook import Playbook
from bot.crm.salesforce import outbound
from bot.crm.salesforce.opportunity import to_event
from bot.domain.clock import Clock
from bot.web.wsgi import TextResponse
from bot.workflow.intake import DealIntake
from storage import repositories
from storage.db import SessionFactory
from storage.enums import CrmName, OutboxKind

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 5 * 1024 * 1024


class SalesforceOutboundEndpoint:
    def __init__(
        self,
        *,
        organization_id: str | None,
        intake: DealIntake,
        playbook: Playbook,
        sessions: SessionFactory,
        clock: Clock,
        refresh_records: bool,
    ) -> None:
        self._organization_id = organization_id
        self._intake = intake
        self._playbook = playbook
        self._sessions = sessions
        self._clock = clock
        self._refresh_records = refresh_records

    def __call__(self, environ: WSGIEnvironment) -> TextResponse:
        if not self._organization_id:
            return _fault("SALESFORCE_ORGANIZATION_ID is not configured on this server", 503)
        length = environ.get("CONTENT_LENGTH") or ""
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            return _fault(
                "Content-Length is missing or over 5 MB", 413 if length.isdigit() else 411
            )
        body = environ["wsgi.input"].read(int(length))
        try:
            notifications = outbound.parse(body, organization_id=self._organization_id)
        except outbound.OutboundError as error:
            log.warning("rejected a Salesforce Outbound Message: %s", error)
            return _fault(str(error), 500)
        instance = _instance_url(body)
        now = self._clock.now()
        for notification in notifications:
            event = to_event(
                notification.record,
                self._playbook,
                instance_url=instance,
                received_at=now,
                partial=True,
            )
            self._intake.ingest_deal_event(
                event=dataclasses.replace(event, external_id=f"om:{notification.id}")
            )
        if self._refresh_records:
            with self._sessions.begin() as session:
                for notification in notifications:
                    opportunity_id = str(notification.record["Id"])
                    repositories.enqueue(
                        session,
                        kind=OutboxKind.CRM_REFRESH,
                        now=now,
                        payload={"opportunity_id": opportunity_id},
                        dedupe_key=f"crm-refresh:{opportunity_id}",
                        crm=CrmName.SALESFORCE,
                    )
        return TextResponse(200, outbound.ACK)


def _fault(message: str, status: int) -> TextResponse:
    return TextResponse(status, outbound.fault(message))


def _instance_url(body: bytes) -> str:
    """The org's URL, from the PartnerUrl / EnterpriseUrl the message carries."""
    text = body.decode("utf-8", "replace")
    for tag in ("PartnerUrl", "EnterpriseUrl"):
        start = text.find(f"<{tag}>")
        if start != -1:
            url = text[start + len(tag) + 2 : text.find(f"</{tag}>", start)]
            parts = urlsplit(url)
            if parts.scheme == "https" and parts.netloc:
                return f"https://{parts.netloc}"
    return "https://login.salesforce.com"
