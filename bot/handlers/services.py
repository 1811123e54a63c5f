"""The services a Slack listener may call, handed to Bolt through the request context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.config.playbook import Playbook
from bot.domain.clock import Clock
from bot.reporting.schedule import ReportScheduler
from bot.timers.sla import SlaService
from bot.workflow.intake import HandoffService
from bot.workflow.milestones import MilestoneService
from bot.workflow.ownership import WorkflowService
from bot.workflow.queries import HandoffQueries
from bot.workflow.signoff import SignoffService
from bot.workflow.sync_meeting import SyncService


@dataclass(frozen=True, slots=True)
class Services:
    handoffs: HandoffService
    workflow: WorkflowService
    signoff: SignoffService
    sla: SlaService
    milestones: MilestoneService
    sync: SyncService
    reports: ReportScheduler
    clock: Clock

    def today(self) -> date:
        return self.clock.now().date()

    queries: HandoffQueries
    playbook: Playbook
