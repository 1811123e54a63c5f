"""Building Handoff: settings → engine → clients → services → Bolt app → HTTP router.

Everything is constructed here, by explicit arguments, and nowhere at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.blocks.canvas import render_canvas
from bot.blocks.card import render_card
from bot.blocks.home import home_view
from bot.blocks.notes import render_note
from bot.blocks.nudges import render_escalation, render_nudge
from bot.blocks.suggestions import file_notice
from bot.blocks.sync_meeting import sync_invite
from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import Settings
from bot.context import ConfiguredExtractors
from bot.crm.adapter import CrmAdapter
from bot.crm.webhook.endpoint import CrmWebhookEndpoint
from bot.crm.webhook.transcripts import TranscriptEndpoint
from bot.delivery.canvas_upkeep import CanvasUpkeep
from bot.delivery.card_relay import CardRelay
from bot.delivery.context_jobs import ContextJobs
from bot.delivery.nudges import NudgeDelivery
from bot.delivery.outbox import OutboxDispatcher
from bot.domain.business_time import BusinessCalendar
from bot.domain.clock import Clock, SystemClock
from bot.domain.roles import RoleDirectory
from bot.handlers.app import create_bolt_app
from bot.handlers.later import AfterAckPool
from bot.handlers.services import Services
from bot.reporting.schedule import ReportScheduler
from bot.runtime.crms import crm_adapters
from bot.runtime.reports import report_renderer
from bot.slack.canvases import WebApiCanvases
from bot.slack.context_reader import SlackContextReader
from bot.slack.gateway import WebApiSlackGateway, make_web_client
from bot.timers.sla import GLANCING_KINDS, SlaService
from bot.timers.sweeper import DeadlineSweeper
from bot.web.health import health_endpoint
from bot.web.slack_endpoint import SlackEndpoint
from bot.web.wsgi import Endpoint, make_router
from bot.workflow.changes import HandoffChanges
from bot.workflow.commitment_rows import on_commitment_due
from bot.workflow.commitments import CommitmentService
from bot.workflow.context_intake import ContextIntake
from bot.workflow.context_transcripts import TranscriptIntake
from bot.workflow.context_upkeep import ContextUpkeep
from bot.workflow.details import DetailsService
from bot.workflow.event_inbox import SlackEventInbox
from bot.workflow.intake import DealIntake
from bot.workflow.intake_batch import GroupIntake
from bot.workflow.milestones import MilestoneService
from bot.workflow.ownership import OwnershipService
from bot.workflow.queries import HandoffQueries
from bot.workflow.signoff import SignoffService, on_exception_expiry
from bot.workflow.suggestions import SuggestionService
from bot.workflow.sync_meeting import SyncMeetingService
from storage.db import (
    SessionFactory,
    make_engine,
    make_read_session_factory,
    make_session_factory,
)
from storage.enums import CrmName, DeadlineKind

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from simple_salesforce.api import Salesforce

    from bot.crm.salesforce.runtime import SalesforceRuntime


class Acting(TypedDict):
    """What every service people drive from Slack is built from."""

    sessions: SessionFactory
    clock: Clock
    playbook: Playbook
    roles: RoleDirectory


@dataclass(kw_only=True)
class Runtime:
    settings: Settings
    playbook: Playbook
    clock: Clock
    engine: Engine
    sessions: SessionFactory
    slack_client: WebClient
    intake: DealIntake
    deal_events: GroupIntake  # the intake of POST /crm/events
    services: Services
    roles: RoleDirectory
    relay: CardRelay
    bolt_app: App
    after_ack: AfterAckPool
    wsgi_app: WSGIApplication
    sweeper: DeadlineSweeper
    reports: ReportScheduler
    crms: list[CrmAdapter]
    context: ContextJobs
    context_upkeep: ContextUpkeep

    def crm(self, name: CrmName) -> CrmAdapter | None:
        return next((adapter for adapter in self.crms if adapter.name == name), None)

    @property
    def salesforce(self) -> SalesforceRuntime | None:
        """Salesforce's API side (poller, write-back, gateway), when it is configured."""
        from bot.crm.salesforce.runtime import SalesforceAdapter

        adapter = self.crm(CrmName.SALESFORCE)
        return adapter.api if isinstance(adapter, SalesforceAdapter) else None


def build_runtime(
    settings: Settings,
    *,
    playbook: Playbook | None = None,
    clock: Clock | None = None,
    engine: Engine | None = None,
    listener_executor: Executor | None = None,
    after_ack_executor: Executor | None = None,
    salesforce_connect: Callable[[], Salesforce] | None = None,
) -> Runtime:
    playbook = playbook or load_playbook(settings.playbook_path)
    clock = clock or SystemClock()
    engine = engine or make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    reads = make_read_session_factory(engine)  # lists, status, the Home, reports, modal checks
    slack_client = make_web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    gateway = WebApiSlackGateway(slack_client)
    roles = RoleDirectory(team=playbook.team, groups=gateway, clock=clock)
    calendar = BusinessCalendar(playbook.business_hours)
    acting = Acting(sessions=sessions, clock=clock, playbook=playbook, roles=roles)
    intake = DealIntake(sessions=sessions, clock=clock, playbook=playbook, calendar=calendar)
    sla = SlaService(sessions=sessions, clock=clock, playbook=playbook, calendar=calendar)
    milestones = MilestoneService(**acting, calendar=calendar)
    sync_meeting = SyncMeetingService(**acting)
    commitments = CommitmentService(**acting, calendar=calendar)
    reports = ReportScheduler(sessions=sessions, clock=clock, playbook=playbook)
    queries = HandoffQueries(sessions=reads, clock=clock, playbook=playbook, roles=roles)
    sweeper = DeadlineSweeper(
        sessions=sessions,
        clock=clock,
        handlers={
            DeadlineKind.SLA_WARN: sla.on_warn,
            DeadlineKind.SLA_BREACH: sla.on_breach,
            DeadlineKind.FEEDBACK_REQUEST: milestones.on_feedback_request,
            DeadlineKind.SYNC_REMINDER: sync_meeting.on_reminder,
            DeadlineKind.SYNC_OUTCOMES: sync_meeting.on_outcomes_due,
            DeadlineKind.EXCEPTION_EXPIRY: on_exception_expiry(playbook, clock),
            DeadlineKind.COMMITMENT_DUE: on_commitment_due(clock),
        },
        glancing=GLANCING_KINDS,
    )
    after_ack = AfterAckPool(
        workers=settings.after_ack_workers,
        queue=settings.after_ack_queue,
        executor=after_ack_executor,
    )
    outbox = OutboxDispatcher(
        sessions=sessions,
        clock=clock,
        slack=gateway,
        playbook=playbook,
        render_note=render_note,
        render_home=lambda user_id: home_view(queries.home(user_id)),
        nudges=NudgeDelivery(
            sessions=sessions,
            clock=clock,
            slack=gateway,
            calendar=calendar,
            expand=roles.expand,
            render_nudge=render_nudge,
            render_escalation=render_escalation,
        ),
        render_invite=sync_invite,
        render_report=report_renderer(reads, playbook),
        expand=roles.expand,
        yield_to_requests=after_ack.yield_to_acks,
    )
    relay = CardRelay(
        sessions=sessions,
        clock=clock,
        slack=gateway,
        playbook=playbook,
        render=render_card,
        outbox=outbox,
        yield_to_requests=after_ack.yield_to_acks,
        canvases=CanvasUpkeep(
            sessions=sessions,
            clock=clock,
            canvases=WebApiCanvases(slack_client),
            playbook=playbook,
            render=lambda brief: render_canvas(brief.card, brief.commitments, crm=brief.crm),
            yield_to_requests=after_ack.yield_to_acks,
        ),
    )
    reader = SlackContextReader(slack_client, api_url=settings.slack_api_url)
    suggestions = SuggestionService(
        sessions=sessions,
        clock=clock,
        playbook=playbook,
        extractors=ConfiguredExtractors(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            timeout_seconds=settings.llm_timeout_seconds,
        ),
        people=reader,
    )
    transcripts = TranscriptIntake(sessions=sessions, clock=clock, playbook=playbook)
    context_upkeep = ContextUpkeep(**acting)
    context = ContextJobs(
        sessions=sessions,
        clock=clock,
        transcripts=transcripts,
        suggestions=suggestions,
        upkeep=context_upkeep,
        slack=reader,
        render_notice=file_notice,
    )
    services = Services(
        handoffs=HandoffChanges(**acting, reads=reads),
        details=DetailsService(**acting, reads=reads),
        ownership=OwnershipService(**acting, reads=reads),
        signoff=SignoffService(**acting, reads=reads),
        sla=sla,
        milestones=milestones,
        sync_meeting=sync_meeting,
        commitments=commitments,
        reports=reports,
        queries=queries,
        channel=ContextIntake(sessions=sessions, clock=clock, playbook=playbook),
        suggestions=suggestions,
        context=context_upkeep,
        slack_events=SlackEventInbox(sessions=sessions, clock=clock),
        playbook=playbook,
        clock=clock,
    )
    bolt_app = create_bolt_app(
        client=slack_client,
        signing_secret=settings.slack_signing_secret,
        services=services,
        after_ack=after_ack,
        listener_executor=listener_executor,
    )
    crms = crm_adapters(
        settings,
        salesforce_connect=salesforce_connect,
        sessions=sessions,
        clock=clock,
        playbook=playbook,
        intake=intake,
        slack=gateway,
    )
    # A burst over several connections is applied a group at a time.
    deal_events = GroupIntake(intake=intake, sessions=sessions, clock=clock)
    endpoints: dict[tuple[str, str], Endpoint] = {
        ("POST", "/crm/events"): CrmWebhookEndpoint(
            secret=settings.crm_webhook_secret,
            intake=deal_events,
            playbook=playbook,
            clock=clock,
        ),
        ("POST", "/context/transcripts"): TranscriptEndpoint(
            secret=settings.crm_webhook_secret, transcripts=transcripts, clock=clock
        ),
        ("GET", "/healthz"): health_endpoint(
            settings,
            sessions,
            crm_health=lambda: {k: v for crm in crms for k, v in crm.health().items()},
        ),
    }
    for crm in crms:
        endpoints.update(crm.endpoints())
    wsgi_app = make_router(
        slack=None
        if settings.socket_mode
        else SlackEndpoint(
            bolt_app, signing_secret=settings.slack_signing_secret, acking=after_ack.acking
        ),
        endpoints=endpoints,
    )
    return Runtime(
        settings=settings,
        playbook=playbook,
        clock=clock,
        engine=engine,
        sessions=sessions,
        slack_client=slack_client,
        intake=intake,
        deal_events=deal_events,
        services=services,
        roles=roles,
        relay=relay,
        bolt_app=bolt_app,
        after_ack=after_ack,
        wsgi_app=wsgi_app,
        sweeper=sweeper,
        reports=reports,
        crms=crms,
        context=context,
        context_upkeep=context_upkeep,
    )
