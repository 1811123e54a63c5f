"""Reading HubSpot: the poll on ``hs_lastmodifieddate``, and the read-back webhooks ask for.

Only what the API says starts or changes a handoff: a webhook notification carries ids, so the
deal is read back here, off the request path, 100 to a batch call. Every version of a deal is
one inbox entry (``<id>@<hs_lastmodifieddate>``), so a version seen by both the poll and a
webhook, or re-read in the poll's overlap, is applied once and costs no further calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import select

from bot.config.playbook import Playbook
from bot.crm.errors import CrmRejected, CrmUnavailable
from bot.crm.hubspot.directory import HubSpotDirectory
from bot.crm.hubspot.errors import HubSpotAuthError
from bot.crm.hubspot.mapping import (
    SOURCE,
    Context,
    Properties,
    external_id,
    read_properties,
    record_url,
    to_event,
)
from bot.crm.hubspot.notices import AUTH_RETRY_SECONDS, AdminNotices
from bot.crm.hubspot.records import DealPage, HubSpotDeal
from bot.delivery.outbox import LeasedMessage, RelayReport, lease_due, settle
from bot.domain.clock import Clock
from bot.workflow.intake import DealIntake, Outcome
from storage import repositories
from storage.db import SessionFactory
from storage.enums import OutboxKind
from storage.models import InboxEvent

log = logging.getLogger(__name__)

CURSOR = "hubspot.deals"
# HubSpot's search index trails its writes by a few seconds: each poll looks this far behind
# its cursor. What it finds again is already in the inbox and costs nothing more.
OVERLAP = timedelta(minutes=2)
READ_BACK_BATCH = 100


class ReaderClient(Protocol):
    def search_deals(
        self,
        *,
        modified_since: datetime,
        stage_ids: list[str],
        properties: list[str],
        after: str | None = None,
    ) -> DealPage: ...

    def read_deals(
        self, *, ids: list[str], properties: list[str], companies: bool = True
    ) -> list[HubSpotDeal]: ...

    def company_names(self, deal_ids: list[str]) -> dict[str, str | None]: ...


@dataclass(frozen=True, slots=True)
class _Version:
    deal_id: str
    properties: Properties
    modified_at: datetime


class HubSpotReader:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        client: ReaderClient,
        directory: HubSpotDirectory,
        intake: DealIntake,
        playbook: Playbook,
        notices: AdminNotices,
        portal_id: int | None,
        access_token: str,
        backfill_from: date | None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._hubspot = client
        self._directory = directory
        self._intake = intake
        self._mapping = playbook.hubspot
        self._notices = notices
        self._portal_id = portal_id
        self._token = access_token
        self._backfill_from = backfill_from
        self._properties = read_properties(playbook.hubspot)

    # -- the poll ------------------------------------------------------------------------------
    def poll(self) -> int:
        """Apply every watched deal changed since the cursor, oldest first; the number applied.

        The cursor moves after each page is applied, so a restart resumes there. Search pages
        through 10,000 results at most: past that the search starts again from the last
        modification time seen.
        """
        since = self._cursor() - OVERLAP
        applied, after = 0, None
        try:
            while True:
                page = self._hubspot.search_deals(
                    modified_since=since,
                    stage_ids=self._mapping.watched_stages,
                    properties=self._properties,
                    after=after,
                )
                versions = [_Version(d.id, d.properties, d.modified_at) for d in page.deals]
                applied += self._apply(versions, self._hubspot.company_names)
                if page.last_modified is not None:
                    self._advance(page.last_modified)
                if page.next_after is not None:
                    after = page.next_after
                elif page.window_full and page.last_modified and page.last_modified > since:
                    since, after = page.last_modified, None
                elif page.window_full and page.last_modified:
                    # 10,000 deals changed in one millisecond: move past it, or stay stuck.
                    log.error("HubSpot: over 10,000 deals changed at %s", page.last_modified)
                    self._advance(page.last_modified + timedelta(milliseconds=1) + OVERLAP)
                    break
                else:
                    break
        except CrmUnavailable as error:
            log.warning("HubSpot poll stopped until the next tick: %s", error)
        except CrmRejected as error:
            self._notices.refused(error, "the deal search")
        if applied:
            log.info("HubSpot poll applied %s change(s)", applied)
        return applied

    def _cursor(self) -> datetime:
        """Where the poll stands; on first start, the moment of connection (or the backfill
        date the admin asked for), stored at once so that a restart keeps it."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            position = repositories.cursor_position(session, CURSOR)
            if position is None:
                position = now
                if self._backfill_from is not None:
                    position = datetime.combine(self._backfill_from, time(), tzinfo=UTC)
                repositories.advance_cursor(session, CURSOR, position, now)
                log.info("HubSpot: reading deals changed since %s", position.isoformat())
        return position

    def _advance(self, position: datetime) -> None:
        with self._sessions.begin() as session:
            repositories.advance_cursor(session, CURSOR, position, self._clock.now())

    # -- the read-back -------------------------------------------------------------------------
    def read_back(self, report: RelayReport | None = None) -> RelayReport:
        """Read back the deals webhook notifications named, 100 to a call."""
        report = report or RelayReport()
        rows = lease_due(
            self._sessions,
            kinds=(OutboxKind.CRM_REFRESH,),
            now=self._clock.now(),
            limit=READ_BACK_BATCH,
            crm=SOURCE,
        )
        if not rows:
            return report
        ids = list(dict.fromkeys(str(row.payload["deal_id"]) for row in rows))
        try:
            deals = self._hubspot.read_deals(ids=ids, properties=self._properties, companies=False)
            now = self._clock.now()
            versions = [_Version(d.id, d.properties, d.modified_at or now) for d in deals]
            self._apply(versions, self._hubspot.company_names)
        except CrmUnavailable as error:
            self._settle(rows, error=str(error), retry_after=error.retry_after)
            report.deferred += len(rows)
        except CrmRejected as error:
            self._notices.refused(error, "reading deals back")
            if isinstance(error, HubSpotAuthError):
                self._settle(rows, error=str(error), retry_after=AUTH_RETRY_SECONDS)
                report.deferred += len(rows)
            else:
                self._settle(rows, error=str(error), failed=True)
                report.failed += len(rows)
        else:
            self._settle(rows)
            report.outbox_done += len(rows)
        return report

    def _settle(self, rows: Sequence[LeasedMessage], **outcome: Any) -> None:
        for row in rows:
            settle(self._sessions, row.id, now=self._clock.now(), **outcome)

    # -- applying ------------------------------------------------------------------------------
    def _apply(
        self,
        versions: list[_Version],
        companies: Callable[[list[str]], dict[str, str | None]],
    ) -> int:
        """Ingest the versions not seen before; look up their companies and owners first."""
        fresh = self._unseen(versions)
        if not fresh:
            return 0
        names = companies([v.deal_id for v in fresh])
        applied = 0
        for version in fresh:
            props = version.properties
            context = Context(
                company_name=names.get(version.deal_id),
                owner_email=self._directory.owner_email(props.get("hubspot_owner_id")),
                stage_label=self._directory.stage_label(
                    props.get("pipeline"), props.get("dealstage")
                ),
                url=record_url(
                    portal_id=self._portal_id, deal_id=version.deal_id, access_token=self._token
                ),
            )
            event = to_event(
                version.deal_id,
                props,
                version.modified_at,
                mapping=self._mapping,
                context=context,
            )
            if self._intake.ingest_deal_event(event=event).outcome is Outcome.APPLIED:
                applied += 1
        return applied

    def _unseen(self, versions: list[_Version]) -> list[_Version]:
        wanted = {external_id(v.deal_id, v.modified_at): v for v in versions}
        if not wanted:
            return []
        with self._sessions.begin() as session:
            seen = set(
                session.scalars(
                    select(InboxEvent.external_id).where(
                        InboxEvent.source == SOURCE, InboxEvent.external_id.in_(list(wanted))
                    )
                )
            )
        return [version for key, version in wanted.items() if key not in seen]
