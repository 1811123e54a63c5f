"""The Salesforce adapter, assembled from settings (used by the composition root)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from simple_salesforce.api import Salesforce

from bot.config.playbook import Playbook
from bot.config.settings import Settings
from bot.crm.adapter import CheckReport, Endpoints, Job
from bot.crm.salesforce.check import check_salesforce
from bot.crm.salesforce.client import SalesforceGateway, connect_factory
from bot.crm.salesforce.outbound_endpoint import PATH as OUTBOUND_PATH
from bot.crm.salesforce.outbound_endpoint import SalesforceOutboundEndpoint
from bot.crm.salesforce.poll import SalesforcePoller
from bot.crm.salesforce.write_back import WRITE_KINDS, SalesforceWriteBack
from bot.delivery.ports import SlackGateway
from bot.domain.clock import Clock
from bot.workflow.intake import DealIntake
from storage.db import SessionFactory
from storage.enums import CrmName, OutboxKind

WRITE_BACK_SECONDS = 2


@dataclass
class SalesforceRuntime:
    """The API side: what runs when Handoff can log in to the org."""

    gateway: SalesforceGateway
    poller: SalesforcePoller
    writeback: SalesforceWriteBack

    def jobs(self, *, poll_seconds: int) -> list[Job]:
        jobs: list[Job] = [("salesforce-writeback", self.writeback.run_once, WRITE_BACK_SECONDS)]
        if poll_seconds:
            jobs.append(("salesforce-poll", self.poller.poll, poll_seconds))
        return jobs


@dataclass
class SalesforceAdapter:
    """Salesforce as a ``CrmAdapter``: Outbound Messages in, and with a login the poll and
    the write-back (an org may send Outbound Messages with no API login configured)."""

    settings: Settings
    playbook: Playbook
    outbound: SalesforceOutboundEndpoint
    api: SalesforceRuntime | None

    name = CrmName.SALESFORCE
    label = "Salesforce"

    @property
    def writes(self) -> frozenset[OutboxKind]:
        return frozenset(WRITE_KINDS) if self.api else frozenset()

    def jobs(self) -> list[Job]:
        return self.api.jobs(poll_seconds=self.settings.salesforce_poll_seconds) if self.api else []

    def endpoints(self) -> Endpoints:
        # With SALESFORCE_OUTBOUND_TOKEN only the second path answers (the endpoint checks).
        return {
            ("POST", OUTBOUND_PATH): self.outbound,
            ("POST", OUTBOUND_PATH + "/{token}"): self.outbound,
        }

    def check(self) -> CheckReport:
        if self.api is None:
            report = CheckReport()
            report.bad("no Salesforce login: set the SALESFORCE_* variables (see the README)")
            return report
        return check_salesforce(self.api.gateway, self.playbook)

    def health(self) -> dict[str, object]:
        return {"salesforce_api_usage": self.api.gateway.api_usage if self.api else None}


def build_salesforce(
    settings: Settings,
    *,
    connect: Callable[[], Salesforce] | None,
    sessions: SessionFactory,
    clock: Clock,
    playbook: Playbook,
    intake: DealIntake,
    slack: SlackGateway,
) -> SalesforceAdapter | None:
    """The adapter when anything of Salesforce is configured (a login or the org id)."""
    limit_backoff = timedelta(seconds=settings.salesforce_limit_backoff_seconds)
    gateway = (
        SalesforceGateway(connect, clock=clock, limit_backoff=limit_backoff)
        if connect
        else gateway_from_settings(settings, clock=clock)
    )
    if gateway is None and not settings.salesforce_organization_id:
        return None
    api = None
    if gateway is not None:
        poller = SalesforcePoller(
            sessions=sessions,
            clock=clock,
            salesforce=gateway,
            intake=intake,
            playbook=playbook,
            backfill_from=settings.crm_backfill_from,
        )
        writeback = SalesforceWriteBack(
            sessions=sessions,
            clock=clock,
            playbook=playbook,
            salesforce=gateway,
            slack=slack,
            poller=poller,
        )
        api = SalesforceRuntime(gateway, poller, writeback)
    outbound = SalesforceOutboundEndpoint(
        organization_id=settings.salesforce_organization_id,
        token=settings.salesforce_outbound_token,
        sessions=sessions,
        clock=clock,
        can_read_back=api is not None,
    )
    return SalesforceAdapter(settings, playbook, outbound, api)


def check_from_settings(settings: Settings, playbook: Playbook) -> CheckReport | None:
    """``python app.py check`` for Salesforce; None when no login is configured."""
    gateway = gateway_from_settings(settings)
    return None if gateway is None else check_salesforce(gateway, playbook)


def gateway_from_settings(
    settings: Settings, *, clock: Clock | None = None
) -> SalesforceGateway | None:
    if settings.salesforce_mode is None:
        return None
    key_file = settings.salesforce_private_key_file
    return SalesforceGateway(
        connect_factory(
            mode=settings.salesforce_mode,
            username=settings.salesforce_username,
            password=settings.salesforce_password,
            security_token=settings.salesforce_security_token,
            domain=settings.salesforce_domain,
            instance_url=settings.salesforce_instance_url,
            access_token=settings.salesforce_access_token,
            consumer_key=settings.salesforce_consumer_key,
            private_key_file=str(key_file) if key_file else None,
        ),
        clock=clock,
        limit_backoff=timedelta(seconds=settings.salesforce_limit_backoff_seconds),
    )
