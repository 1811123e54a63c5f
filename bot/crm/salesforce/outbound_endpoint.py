"""``POST /crm/salesforce/outbound[/<token>]``: Salesforce Outbound Messages (SOAP) in, Ack out.

A notification is only a hint that an Opportunity changed: the endpoint stores which ones (in
the inbox, deduplicated on the notification id) and queues a read-back of each through the
API, all in one transaction, before it acknowledges. A forged message can therefore start
nothing: only a record the org itself returns, in a watched stage, does. A message is stored
whole or not at all, and every refusal is a SOAP fault (``soapenv:Client`` with a 4xx for a
message we refuse, ``soapenv:Server`` with a 5xx for our own trouble, so Salesforce retries).

With ``SALESFORCE_OUTBOUND_TOKEN`` set the endpoint answers only at ``/<token>``: a secret in
the URL keeps strangers from even making Handoff spend API calls on read-backs.
"""

from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING

from bot.crm.salesforce import outbound
from bot.domain.clock import Clock
from bot.web.body import BodyProblem, read_body
from bot.web.wsgi import TextResponse
from storage import coordination, repositories
from storage.db import SessionFactory
from storage.enums import CrmName, OutboxKind
from storage.models import Base

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 5 * 1024 * 1024
PATH = "/crm/salesforce/outbound"
SOURCE = "salesforce.om"
INBOX = Base.metadata.tables["inbox"]


class SalesforceOutboundEndpoint:
    def __init__(
        self,
        *,
        organization_id: str | None,
        token: str | None,
        sessions: SessionFactory,
        clock: Clock,
        can_read_back: bool,
    ) -> None:
        self._organization_id = organization_id
        self._token = token
        self._sessions = sessions
        self._clock = clock
        self._can_read_back = can_read_back

    def __call__(self, environ: WSGIEnvironment) -> TextResponse:
        if not self._path_allowed(str(environ.get("PATH_INFO", ""))):
            return self.failure(404, "No Outbound Message endpoint here (check the URL's token)")
        if not self._organization_id:
            return self.failure(503, "SALESFORCE_ORGANIZATION_ID is not configured on this server")
        if not self._can_read_back:
            return self.failure(
                503,
                "Outbound Messages need Salesforce API access (SALESFORCE_* login) to read "
                "each Opportunity back",
            )
        body = read_body(environ, max_bytes=MAX_BODY_BYTES)
        if isinstance(body, BodyProblem):
            return self.failure(body.status, body.message)
        try:
            notifications = outbound.parse(body, organization_id=self._organization_id)
        except outbound.OutboundError as error:
            log.warning("refused a Salesforce Outbound Message: %s", error)
            return self.failure(400, str(error))
        self._store(notifications)
        return TextResponse(200, outbound.ACK)

    def _store(self, notifications: list[outbound.Notification]) -> None:
        """Every hint and its read-back in one transaction: all of the message, or nothing."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            for notification in notifications:
                new = coordination.insert_unless_present(
                    session,
                    INBOX,
                    {
                        "source": SOURCE,
                        "external_id": notification.id,
                        "received_at": now,
                        "handoff_id": None,
                        "outcome": "hint",
                        "payload": {"opportunity_id": notification.opportunity_id},
                    },
                )
                if new:
                    repositories.enqueue(
                        session,
                        kind=OutboxKind.CRM_REFRESH,
                        now=now,
                        payload={"opportunity_id": notification.opportunity_id},
                        dedupe_key=f"crm-refresh:{notification.opportunity_id}",
                        crm=CrmName.SALESFORCE,
                    )

    def _path_allowed(self, path: str) -> bool:
        if self._token is None:
            return path == PATH
        given = path.removeprefix(PATH + "/") if path.startswith(PATH + "/") else ""
        return hmac.compare_digest(given.encode(), self._token.encode())

    def failure(self, status: int, message: str) -> TextResponse:
        """Every refusal as a SOAP fault, the way Salesforce reads them."""
        return TextResponse(status, outbound.fault(message, client=status < 500))
