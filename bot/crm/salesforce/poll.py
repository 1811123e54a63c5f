"""Reading Salesforce: the periodic poll on SystemModstamp, and one-record read-backs.

The first poll of an org starts from the moment Handoff connects: an org's history is not a
burst of new handoffs. ``CRM_BACKFILL_FROM`` (a date) asks for the deals changed since then
instead; it is read when no cursor is stored yet, i.e. on first connection.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time

from bot.config.playbook import Playbook
from bot.crm.errors import CrmRejected, CrmUnavailable
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
        backfill_from: date | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._salesforce = salesforce
        self._intake = intake
        self._playbook = playbook
        self._backfill_from = backfill_from
        self._failing = False

    def poll(self) -> int:
        """Ingest every watched Opportunity changed since the cursor; the number applied.

        A limit or an outage ends this poll quietly (logged once) and the next one resumes
        from the cursor: nothing is skipped, and a paused org is not asked again early.
        """
        try:
            applied = self._poll()
        except (CrmUnavailable, CrmRejected) as error:
            if not self._failing:
                log.warning("Salesforce poll delayed: %s", error)
            self._failing = True
            return 0
        if self._failing:
            log.info("Salesforce poll recovered")
            self._failing = False
        if applied:
            log.info("Salesforce poll applied %s change(s)", applied)
        return applied

    def _poll(self) -> int:
        """Each record is applied in its own transaction (the inbox makes a repeat harmless)
        and the cursor moves to the newest SystemModstamp of a page only after the whole page
        is committed, so a crash mid-page re-reads that page and skips nothing."""
        since = self._start()
        applied = 0
        for page in self._salesforce.query_batches(changed_since_query(self._playbook, since)):
            if not page:
                continue
            for record in page:
                event = to_event(record, self._playbook, instance_url=self._salesforce.instance_url)
                if self._intake.ingest_deal_event(event=event).outcome is Outcome.APPLIED:
                    applied += 1
            newest = max(modstamp(record) for record in page)
            with self._sessions.begin() as session:
                repositories.advance_cursor(session, CURSOR, newest, self._clock.now())
        return applied

    def _start(self) -> datetime:
        """Where the poll stands; on first connection, now (or the backfill date), stored at
        once so that a restart keeps it."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            position = repositories.cursor_position(session, CURSOR)
            if position is None:
                position = now
                if self._backfill_from is not None:
                    position = datetime.combine(self._backfill_from, time(), tzinfo=UTC)
                repositories.advance_cursor(session, CURSOR, position, now)
                log.info("Salesforce: reading Opportunities changed since %s", position.isoformat())
        return position

    def refresh(self, opportunity_id: str) -> None:
        """Read one Opportunity back (an Outbound Message is only a hint that it changed): it
        starts or changes a handoff only if the org has it, in a watched stage."""
        for page in self._salesforce.query_batches(one_query(self._playbook, opportunity_id)):
            for record in page:
                event = to_event(record, self._playbook, instance_url=self._salesforce.instance_url)
                self._intake.ingest_deal_event(event=event)
