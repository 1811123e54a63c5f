"""The HubSpot adapter, assembled from settings (used by the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config.playbook import Playbook
from bot.config.settings import Settings
from bot.crm.adapter import CheckReport, Endpoints, Job
from bot.crm.hubspot.check import check_hubspot, setup_hubspot
from bot.crm.hubspot.client import HubSpotClient
from bot.crm.hubspot.directory import HubSpotDirectory
from bot.crm.hubspot.endpoint import HubSpotWebhookEndpoint
from bot.crm.hubspot.notices import AdminNotices
from bot.crm.hubspot.reader import HubSpotReader
from bot.crm.hubspot.write_back import WRITE_KINDS, HubSpotWriteBack
from bot.delivery.ports import SlackGateway
from bot.domain.clock import Clock
from bot.workflow.intake import DealIntake
from storage.db import SessionFactory
from storage.enums import CrmName

WRITE_BACK_SECONDS = 2
READ_BACK_SECONDS = 2


@dataclass
class HubSpotAdapter:
    settings: Settings
    playbook: Playbook
    hubspot: HubSpotClient
    reader: HubSpotReader
    writeback: HubSpotWriteBack
    endpoint: HubSpotWebhookEndpoint

    name = CrmName.HUBSPOT
    label = "HubSpot"
    writes = frozenset(WRITE_KINDS)

    def jobs(self) -> list[Job]:
        jobs: list[Job] = [
            ("hubspot-writeback", self.writeback.run_once, WRITE_BACK_SECONDS),
            ("hubspot-read-back", self.reader.read_back, READ_BACK_SECONDS),
        ]
        if self.settings.hubspot_poll_seconds:
            jobs.append(("hubspot-poll", self.reader.poll, self.settings.hubspot_poll_seconds))
        return jobs

    def endpoints(self) -> Endpoints:
        return {("POST", "/crm/hubspot/webhooks"): self.endpoint}

    def check(self) -> CheckReport:
        return check_hubspot(
            self.hubspot,
            self.playbook.hubspot,
            portal_id=self.settings.hubspot_portal_id,
            webhooks=bool(self.settings.hubspot_client_secret),
        )

    def setup(self) -> CheckReport:
        return setup_hubspot(self.hubspot, self.playbook.hubspot)

    def health(self) -> dict[str, object]:
        return {
            "hubspot_api_usage": self.hubspot.api_usage,
            "hubspot_api_calls": self.hubspot.calls,
        }


def build_hubspot(
    settings: Settings,
    *,
    sessions: SessionFactory,
    clock: Clock,
    playbook: Playbook,
    intake: DealIntake,
    slack: SlackGateway,
) -> HubSpotAdapter | None:
    """The adapter when HUBSPOT_ACCESS_TOKEN is set; None otherwise."""
    client = client_from_settings(settings, clock=clock)
    if client is None:
        return None
    directory = HubSpotDirectory(client=client, clock=clock)
    notices = AdminNotices(sessions=sessions, clock=clock)
    reader = HubSpotReader(
        sessions=sessions,
        clock=clock,
        client=client,
        directory=directory,
        intake=intake,
        playbook=playbook,
        notices=notices,
        portal_id=settings.hubspot_portal_id,
        access_token=settings.hubspot_access_token or "",
        backfill_from=settings.crm_backfill_from,
    )
    writeback = HubSpotWriteBack(
        sessions=sessions,
        clock=clock,
        playbook=playbook,
        client=client,
        directory=directory,
        slack=slack,
        notices=notices,
    )
    endpoint = HubSpotWebhookEndpoint(
        client_secret=settings.hubspot_client_secret,
        portal_id=settings.hubspot_portal_id,
        playbook=playbook,
        sessions=sessions,
        clock=clock,
    )
    return HubSpotAdapter(settings, playbook, client, reader, writeback, endpoint)


def check_from_settings(settings: Settings, playbook: Playbook) -> CheckReport | None:
    """``python app.py check`` for HubSpot; None when HUBSPOT_ACCESS_TOKEN is not set."""
    client = client_from_settings(settings)
    if client is None:
        return None
    return check_hubspot(
        client,
        playbook.hubspot,
        portal_id=settings.hubspot_portal_id,
        webhooks=bool(settings.hubspot_client_secret),
    )


def setup_from_settings(settings: Settings, playbook: Playbook) -> CheckReport | None:
    """``python app.py setup-hubspot``: create the missing write-back properties."""
    client = client_from_settings(settings)
    return None if client is None else setup_hubspot(client, playbook.hubspot)


def client_from_settings(settings: Settings, *, clock: Clock | None = None) -> HubSpotClient | None:
    if not settings.hubspot_access_token:
        return None
    return HubSpotClient(
        access_token=settings.hubspot_access_token,
        base_url=settings.hubspot_api_url,
        clock=clock.now if clock else None,
    )
