"""The services a Slack listener may call, handed to Bolt through the request context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.config.playbook import Playbook
from bot.domain.clock import Clock
from bot.reporting.schedule import ReportScheduler
from bot.timers.sla import SlaService
from bot.workflow.changes import HandoffChanges
from bot.workflow.commitments import CommitmentService
from bot.workflow.context_intake import ContextIntake
from bot.workflow.context_upkeep import ContextUpkeep
from bot.workflow.details import DetailsService
from bot.workflow.event_inbox import SlackEventInbox
from bot.workflow.milestones import MilestoneService
from bot.workflow.ownership import OwnershipService
from bot.workflow.queries import HandoffQueries
from bot.workflow.signoff import SignoffService
from bot.workflow.suggestions import SuggestionService
from bot.workflow.sync_meeting import SyncMeetingService


@dataclass(frozen=True, slots=True, kw_only=True)
class Services:
    handoffs: HandoffChanges  # look a handoff up, or check a permission before opening a modal
    details: DetailsService
    ownership: OwnershipService
    signoff: SignoffService
    sla: SlaService
    milestones: MilestoneService
    sync_meeting: SyncMeetingService
    commitments: CommitmentService  # the commitments ledger
    reports: ReportScheduler
    queries: HandoffQueries
    channel: ContextIntake  # deal-channel messages and shared transcript files
    suggestions: SuggestionService
    context: ContextUpkeep  # /handoff forget
    slack_events: SlackEventInbox  # Events API deliveries acted on once each
    playbook: Playbook
    clock: Clock

    def today(self) -> date:
        return self.clock.now().date()


def services_of(context: Mapping[str, Any]) -> Services:
    """The Services the app's middleware put in Bolt's context for this request."""
    services: Services = context["services"]
    return services
