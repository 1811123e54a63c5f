"""Telling the admins (``team.admins``, by DM) about a HubSpot problem, once per problem."""

from __future__ import annotations

import logging

from bot.crm.errors import CrmRejected
from bot.crm.hubspot.errors import HubSpotAuthError
from bot.domain.clock import Clock
from storage import repositories
from storage.db import SessionFactory
from storage.enums import OutboxKind

log = logging.getLogger(__name__)
AUTH_RETRY_SECONDS = 3600.0  # a revoked token is replaced by a person: try again hourly


class AdminNotices:
    def __init__(self, *, sessions: SessionFactory, clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def tell(self, key: str, text: str) -> None:
        with self._sessions.begin() as session:
            repositories.enqueue(
                session,
                kind=OutboxKind.NOTIFY_ADMINS,
                now=self._clock.now(),
                payload={"text": text},
                dedupe_key=f"hubspot:{key}"[:128],
                once=True,
            )

    def refused(self, error: CrmRejected, doing: str) -> None:
        """HubSpot refused a call: the token (401/403) or the request itself (4xx)."""
        log.error("HubSpot refused %s: %s", doing, error)
        if isinstance(error, HubSpotAuthError) and error.status == 401:
            self.tell(
                "token-revoked",
                "HubSpot refused Handoff's access token: it was revoked or is invalid. Create a "
                "new token for the private app (Settings > Integrations > Private Apps) and set "
                "HUBSPOT_ACCESS_TOKEN. Deals wait, nothing is lost, until then.",
            )
        elif isinstance(error, HubSpotAuthError):
            self.tell(
                "token-scope",
                f"HubSpot's private app lacks a scope Handoff needs ({error}). Add the scopes "
                "listed in the README's HubSpot section and run `python app.py check`.",
            )
        else:
            self.tell(
                f"rejected:{doing}:{error}",
                f"HubSpot refused {doing}: {error}. Fix it in HubSpot or in the playbook's "
                "hubspot: section; this will not be retried.",
            )
