"""Reading Salesforce: the periodic poll on SystemModstamp, and one-record refreshes."""

from __future__ import annotations

import logging

from bot.config.playbook import Playbook
from bot.crm.salesforce.client import SalesforcePort
from bot.crm.salesforce.opportunity import changed_since_query, modstamp, one_query, to_event
from bot.domain.clock import Clock
from bot.workflow.intake import DealIntake, Outcome
from storage import repositories
from storage.db import SessionFactory

log = logging.getLogger(__name__)

CURSOR = "salesforce.opportunity"


class SalesforcePoller:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        salesforce: SalesforcePort,
        intake: DealIntake,
        playbook: Playbook,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._salesforce = salesforce
        self._intake = intake
        self._playbook = playbook

    def poll(self) -> int:
        """Ingest every watched Opportunity changed since the cursor; the number applied.

        Each record is applied in its own transaction (the inbox makes a repeat harmless) and
        the cursor moves to the newest SystemModstamp of a page only after the whole page is
        committed, so a crash mid-page re-reads that page and skips nothing.
        """
        with self._sessions.begin() as session:
            since = repositories.cursor_position(session, CURSOR)
        applied = 0
        soql = changed_since_query(self._playbook, since)
        for page in self._salesforce.query_batches(soql):
            if not page:
                continue
            for record in page:
                event = to_event(record, self._playbook, instance_url=self._salesforce.instance_url)
                if self._intake.ingest_deal_event(event=event).outcome is Outcome.APPLIED:
                    applied += 1
            newest = max(modstamp(record) for record in page)
            with self._sessions.begin() as session:
                repositories.advance_cursor(session, CURSOR, newest, self._clock.now())
        if applied:
            log.info("Salesforce poll applied %s change(s)", applied)
        return applied

    def refresh(self, opportunity_id: str) -> None:
        """Re-read one Opportunity (e.g. after an Outbound Message, which has no relationships)."""
        for page in self._salesforce.query_batches(one_query(self._playbook, opportunity_id)):
            for record in page:
                event = to_event(record, self._playbook, instance_url=self._salesforce.instance_url)
                self._intake.ingest_deal_event(event=event)
