"""The services a Slack listener may call, handed to Bolt through the request context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.clock import Clock
from bot.handoffs import HandoffService
from bot.milestones import MilestoneService
from bot.playbook import Playbook
from bot.queries import HandoffQueries
from bot.reporting import ReportScheduler
from bot.signoff import SignoffService
from bot.sla import SlaService
from bot.sync import SyncService
from bot.workflow import WorkflowService


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
