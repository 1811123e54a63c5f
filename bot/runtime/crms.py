"""Every CRM the settings configure, each adapter built by its own package."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.config.playbook import Playbook
from bot.config.settings import Settings
from bot.crm.adapter import CrmAdapter
from bot.delivery.ports import SlackGateway
from bot.domain.clock import Clock
from bot.workflow.intake import DealIntake
from storage.db import SessionFactory

if TYPE_CHECKING:
    from simple_salesforce.api import Salesforce


def crm_adapters(
    settings: Settings,
    *,
    salesforce_connect: Callable[[], Salesforce] | None,
    sessions: SessionFactory,
    clock: Clock,
    playbook: Playbook,
    intake: DealIntake,
    slack: SlackGateway,
) -> list[CrmAdapter]:
    """Every CRM the settings configure: one entry per CRM package. A CRM's package (and its
    SDK, slow to import and heavy in memory) is imported only when the settings name it."""
    built: list[CrmAdapter | None] = []
    if salesforce_connect or settings.salesforce_mode or settings.salesforce_organization_id:
        from bot.crm.salesforce.runtime import build_salesforce

        built.append(
            build_salesforce(
                settings,
                connect=salesforce_connect,
                sessions=sessions,
                clock=clock,
                playbook=playbook,
                intake=intake,
                slack=slack,
            )
        )
    if settings.hubspot_access_token:
        from bot.crm.hubspot.runtime import build_hubspot

        built.append(
            build_hubspot(
                settings,
                sessions=sessions,
                clock=clock,
                playbook=playbook,
                intake=intake,
                slack=slack,
            )
        )
    return [adapter for adapter in built if adapter is not None]
