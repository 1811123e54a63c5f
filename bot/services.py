"""The services a Slack listener may call, handed to Bolt through the request context."""

from __future__ import annotations

from dataclasses import dataclass

from bot.handoffs import HandoffService
from bot.playbook import Playbook
from bot.queries import HandoffQueries
from bot.signoff import SignoffService
from bot.sla import SlaService
from bot.workflow import WorkflowService


@dataclass(frozen=True, slots=True)
class Services:
    handoffs: HandoffService
    workflow: WorkflowService
    signoff: SignoffService
    sla: SlaService
    queries: HandoffQueries
    playbook: Playbook
