"""The Salesforce side of the app, assembled from settings (used by the composition root)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from simple_salesforce.api import Salesforce

from bot.config.playbook import Playbook
from bot.config.settings import Settings
from bot.crm.salesforce.client import SalesforceGateway, connect_factory
from bot.crm.salesforce.poll import SalesforcePoller
from bot.crm.salesforce.write_back import SalesforceWriteBack
from bot.delivery.ports import SlackGateway
from bot.domain.clock import Clock
from bot.timers.periodic import Job
from bot.workflow.intake import DealIntake
from storage.db import SessionFactory

WRITE_BACK_SECONDS = 2


@dataclass
class SalesforceRuntime:
    gateway: SalesforceGateway
    poller: SalesforcePoller
    writeback: SalesforceWriteBack

    def jobs(self, *, poll_seconds: int) -> list[Job]:
        jobs: list[Job] = [("salesforce-writeback", self.writeback.run_once, WRITE_BACK_SECONDS)]
        if poll_seconds:
            jobs.append(("salesforce-poll", self.poller.poll, poll_seconds))
        return jobs


def build_salesforce(
    settings: Settings,
    *,
    connect: Callable[[], Salesforce] | None,
    sessions: SessionFactory,
    clock: Clock,
    playbook: Playbook,
    intake: DealIntake,
    slack: SlackGateway,
) -> SalesforceRuntime | None:
    limit_backoff = timedelta(seconds=settings.salesforce_limit_backoff_seconds)
    gateway = (
        SalesforceGateway(connect, clock=clock, limit_backoff=limit_backoff)
        if connect
        else gateway_from_settings(settings, clock=clock)
    )
    if gateway is None:
        return None
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
    return SalesforceRuntime(gateway, poller, writeback)


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
