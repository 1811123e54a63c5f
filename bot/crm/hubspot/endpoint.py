"""``POST /crm/hubspot/webhooks``: HubSpot's signed notification batches, stored, then 2xx.

The signature (v3) and the portal are checked before anything is read into the database; a
batch that fails any check stores nothing. Each notification's ``eventId`` goes into the inbox
(a redelivery is answered 200 and does nothing), and each deal worth reading gets a read-back
request in the outbox, coalesced per deal, in the same transaction. The answer comes only once
that is committed; the deals themselves are read off the request path (``reader.py``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.crm.hubspot.mapping import SOURCE
from bot.crm.hubspot.webhooks import (
    MAX_BODY_BYTES,
    Notification,
    NotificationBatch,
    WebhookRefused,
    parse_notifications,
    verify_signature_v3,
)
from bot.domain.clock import Clock
from bot.web.wsgi import JsonResponse
from storage import repositories
from storage.db import SessionFactory
from storage.enums import OutboxKind
from storage.models import Handoff, InboxEvent

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

log = logging.getLogger(__name__)

# The notifications acted on; any other (a deletion, a contact's change) is only recorded, so
# its exact shape can never make HubSpot's whole batch be refused.
ACTED_ON = frozenset({"deal.creation", "deal.propertyChange", "deal.restore"})


class HubSpotWebhookEndpoint:
    def __init__(
        self,
        *,
        client_secret: str | None,
        portal_id: int | None,
        playbook: Playbook,
        sessions: SessionFactory,
        clock: Clock,
    ) -> None:
        self._secret = client_secret
        self._portal_id = portal_id
        self._sessions = sessions
        self._clock = clock
        # Our own write-back changes the deal: reading it back for that would be wasted calls.
        self._ours = {name for name in playbook.hubspot.write_back.model_dump().values() if name}
        self._watched = set(playbook.hubspot.watched_stages)

    def __call__(self, environ: WSGIEnvironment) -> JsonResponse:
        if not self._secret or self._portal_id is None:
            return _refuse(503, "HUBSPOT_CLIENT_SECRET is not configured on this server")
        length = environ.get("CONTENT_LENGTH") or ""
        if not length.isdigit():
            return _refuse(411, "Content-Length is required")
        if int(length) > MAX_BODY_BYTES:
            return _refuse(413, f"body over {MAX_BODY_BYTES} bytes")
        body = environ["wsgi.input"].read(int(length))
        try:
            self._verify(environ, body)
            batch = parse_notifications(body, portal_id=self._portal_id, events=ACTED_ON)
        except WebhookRefused as refused:
            log.warning("refused a HubSpot webhook: %s", refused.reason)
            return _refuse(refused.status, refused.reason)
        new, queued = self._store(batch)
        reply = {"ok": True, "events": len(batch.event_ids), "new": new, "read_back": queued}
        return JsonResponse(200, reply)

    def _verify(self, environ: WSGIEnvironment, body: bytes) -> None:
        """HubSpot signs the URL it called; behind a proxy that terminates TLS this server
        sees http, so both schemes are tried unless the proxy says which it was."""
        assert self._secret is not None
        host = environ.get("HTTP_X_FORWARDED_HOST") or environ.get("HTTP_HOST") or ""
        forwarded = environ.get("HTTP_X_FORWARDED_PROTO")
        schemes = [forwarded] if forwarded else ["https", environ.get("wsgi.url_scheme", "http")]
        path = environ.get("RAW_URI") or quote(environ.get("PATH_INFO", ""), safe="/")
        if environ.get("QUERY_STRING") and "?" not in path:
            path += "?" + environ["QUERY_STRING"]
        refusal: WebhookRefused | None = None
        for scheme in dict.fromkeys(schemes):
            try:
                verify_signature_v3(
                    client_secret=self._secret,
                    method=environ.get("REQUEST_METHOD", "POST"),
                    uri=f"{scheme}://{host}{path}",
                    body=body,
                    timestamp=environ.get("HTTP_X_HUBSPOT_REQUEST_TIMESTAMP", ""),
                    signature=environ.get("HTTP_X_HUBSPOT_SIGNATURE_V3", ""),
                    now=self._clock.now(),
                )
            except WebhookRefused as refused:
                refusal = refused
            else:
                return
        assert refusal is not None
        raise refusal

    def _store(self, batch: NotificationBatch) -> tuple[int, int]:
        """Record every event id once and queue the read-backs; (new events, deals queued)."""
        for attempt in (1, 2):
            try:
                with self._sessions.begin() as session:
                    return self._record(session, batch)
            except IntegrityError:  # the same event, delivered twice at once
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _record(self, session: Session, batch: NotificationBatch) -> tuple[int, int]:
        now = self._clock.now()
        keys = {event_id: f"event:{event_id}" for event_id in batch.event_ids}
        seen = set(
            session.scalars(
                select(InboxEvent.external_id).where(
                    InboxEvent.source == SOURCE, InboxEvent.external_id.in_(list(keys.values()))
                )
            )
        )
        kept = {n.event_id: n for n in batch}
        queued: set[str] = set()
        for event_id, key in keys.items():
            if key in seen:
                continue
            notification = kept.get(event_id)
            wanted = notification is not None and self._worth_reading(session, notification)
            if notification is not None and wanted:
                queued.add(notification.object_id)
            repositories.record_inbox_event(
                session,
                source=SOURCE,
                external_id=key,
                received_at=now,
                handoff_id=None,
                outcome="read_back" if wanted else "ignored",
                payload={
                    "type": notification.subscription_type if notification else None,
                    "deal_id": notification.object_id if notification else None,
                },
            )
        for deal_id in sorted(queued):
            repositories.enqueue(
                session,
                kind=OutboxKind.CRM_REFRESH,
                now=now,
                payload={"deal_id": deal_id},
                dedupe_key=f"hubspot-read:{deal_id}",
                crm=SOURCE,
            )
        return len(keys) - len(seen), len(queued)

    def _worth_reading(self, session: Session, notification: Notification) -> bool:
        kind, name = notification.subscription_type, notification.property_name
        if kind == "deal.creation" or (name == "pipeline"):
            return True
        if name == "dealstage" and notification.property_value in self._watched:
            return True  # it may start a handoff, if the deal read back confirms it
        if name in self._ours:
            return False
        # Any other change (a move to a stage not watched, a mapped field, a restore) matters
        # only to a deal that has a handoff.
        found = session.scalar(
            select(Handoff.id).where(
                Handoff.crm == SOURCE, Handoff.deal_id == notification.object_id
            )
        )
        return found is not None


def _refuse(status: int, reason: str) -> JsonResponse:
    return JsonResponse(status, {"ok": False, "error": reason})
