"""Handoff's composition root and command line: settings → engine → clients → services → app.

python app.py            # serve (default): HTTP, or Socket Mode when SLACK_APP_TOKEN is set
python app.py migrate    # apply database migrations and exit
python app.py demo       # the offline demo: a local Slack stand-in, no accounts, no network
python app.py check      # log in to Salesforce and verify every mapped field
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.background import BackgroundScheduler
from simple_salesforce.api import Salesforce
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.blocks.card import render_card
from bot.blocks.home import home_view
from bot.blocks.notes import render_note
from bot.blocks.nudges import render_escalation, render_nudge
from bot.blocks.sync_meeting import sync_invite
from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import Settings
from bot.crm.salesforce.outbound_endpoint import SalesforceOutboundEndpoint
from bot.crm.salesforce.runtime import SalesforceRuntime, build_salesforce
from bot.crm.webhook_endpoint import CrmWebhookEndpoint
from bot.delivery.card_relay import CardRelay
from bot.delivery.nudges import NudgeDelivery
from bot.delivery.outbox import OutboxDispatcher
from bot.domain.business_time import BusinessCalendar
from bot.domain.clock import Clock, SystemClock
from bot.domain.errors import ConfigError
from bot.domain.roles import RoleDirectory
from bot.handlers.app import create_bolt_app
from bot.handlers.services import Services
from bot.reporting.schedule import ReportScheduler
from bot.runtime.checks import check_slack, run_check
from bot.runtime.reports import report_renderer
from bot.slack.gateway import WebApiSlackGateway, make_web_client
from bot.timers.periodic import start_ticking
from bot.timers.sla import SlaService
from bot.timers.sweeper import DeadlineSweeper
from bot.web.health import health_endpoint
from bot.web.server import HttpServer
from bot.web.wsgi import make_router
from bot.workflow.intake import HandoffService
from bot.workflow.milestones import MilestoneService
from bot.workflow.ownership import WorkflowService
from bot.workflow.queries import HandoffQueries
from bot.workflow.signoff import SignoffService, on_exception_expiry
from bot.workflow.sync_meeting import SyncService
from storage.db import SessionFactory, make_engine, make_session_factory
from storage.enums import DeadlineKind
from storage.migrate import upgrade

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

log = logging.getLogger("handoff")
RELAY_INTERVAL_SECONDS = 1.0
SWEEP_INTERVAL_SECONDS = 30


@dataclass
class Runtime:
    settings: Settings
    playbook: Playbook
    clock: Clock
    engine: Engine
    sessions: SessionFactory
    slack_client: WebClient
    handoffs: HandoffService
    workflow: WorkflowService
    queries: HandoffQueries
    roles: RoleDirectory
    relay: CardRelay
    bolt_app: App
    wsgi_app: WSGIApplication
    sweeper: DeadlineSweeper
    reports: ReportScheduler
    salesforce: SalesforceRuntime | None = None


def build_runtime(
    settings: Settings,
    *,
    playbook: Playbook | None = None,
    clock: Clock | None = None,
    engine: Engine | None = None,
    listener_executor: Executor | None = None,
    salesforce_connect: Callable[[], Salesforce] | None = None,
) -> Runtime:
    playbook = playbook or load_playbook(settings.playbook_path)
    clock = clock or SystemClock()
    engine = engine or make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    slack_client = make_web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    gateway = WebApiSlackGateway(slack_client)
    roles = RoleDirectory(team=playbook.team, groups=gateway, clock=clock)
    calendar = BusinessCalendar(playbook.business_hours)
    handoffs = HandoffService(sessions=sessions, clock=clock, playbook=playbook, calendar=calendar)
    sla = SlaService(sessions=sessions, clock=clock, playbook=playbook, calendar=calendar)
    milestones = MilestoneService(
        sessions=sessions, clock=clock, playbook=playbook, roles=roles, calendar=calendar
    )
    sync = SyncService(sessions=sessions, clock=clock, playbook=playbook, roles=roles)
    reports = ReportScheduler(sessions=sessions, clock=clock, playbook=playbook)
    sweeper = DeadlineSweeper(
        sessions=sessions,
        clock=clock,
        handlers={
            DeadlineKind.SLA_WARN: sla.on_warn,
            DeadlineKind.SLA_BREACH: sla.on_breach,
            DeadlineKind.FEEDBACK_REQUEST: milestones.on_feedback_request,
            DeadlineKind.SYNC_REMINDER: sync.on_reminder,
            DeadlineKind.SYNC_OUTCOMES: sync.on_outcomes_due,
            DeadlineKind.EXCEPTION_EXPIRY: on_exception_expiry(playbook, clock),
        },
    )
    workflow = WorkflowService(sessions=sessions, clock=clock, playbook=playbook, roles=roles)
    signoff = SignoffService(sessions=sessions, clock=clock, playbook=playbook, roles=roles)
    queries = HandoffQueries(sessions=sessions, clock=clock, playbook=playbook, roles=roles)
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
        render_report=report_renderer(sessions, playbook),
    )
    relay = CardRelay(
        sessions=sessions,
        clock=clock,
        slack=gateway,
        playbook=playbook,
        render=render_card,
        outbox=outbox,
    )
    bolt_app = create_bolt_app(
        client=slack_client,
        signing_secret=settings.slack_signing_secret,
        services=Services(
            handoffs=handoffs,
            workflow=workflow,
            signoff=signoff,
            sla=sla,
            milestones=milestones,
            sync=sync,
            reports=reports,
            clock=clock,
            queries=queries,
            playbook=playbook,
        ),
        listener_executor=listener_executor,
    )
    crm = CrmWebhookEndpoint(
        secret=settings.crm_webhook_secret, handoffs=handoffs, playbook=playbook, clock=clock
    )
    salesforce = build_salesforce(
        settings,
        connect=salesforce_connect,
        sessions=sessions,
        clock=clock,
        playbook=playbook,
        handoffs=handoffs,
        slack=gateway,
    )
    outbound = SalesforceOutboundEndpoint(
        organization_id=settings.salesforce_organization_id,
        handoffs=handoffs,
        playbook=playbook,
        sessions=sessions,
        clock=clock,
        refresh_records=salesforce is not None,
    )
    wsgi_app = make_router(
        slack=None if settings.socket_mode else SlackRequestHandler(bolt_app),
        endpoints={
            ("POST", "/crm/events"): crm,
            ("POST", "/crm/salesforce/outbound"): outbound,
            ("GET", "/healthz"): health_endpoint(settings, sessions, salesforce),
        },
    )
    return Runtime(
        settings,
        playbook,
        clock,
        engine,
        sessions,
        slack_client,
        handoffs,
        workflow,
        queries,
        roles,
        relay,
        bolt_app,
        wsgi_app,
        sweeper,
        reports,
        salesforce,
    )


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    jobs: list[tuple[str, Callable[[], object], float]] = [
        ("relay", runtime.relay.run_once, RELAY_INTERVAL_SECONDS),
        ("sweep", runtime.sweeper.sweep, SWEEP_INTERVAL_SECONDS),
        ("reports", runtime.reports.tick, 300),
        # User groups are resolved ahead of time so that no click waits on Slack for them.
        ("roles", runtime.roles.refresh, 300),
    ]
    if runtime.salesforce is not None:
        jobs += runtime.salesforce.jobs(poll_seconds=runtime.settings.salesforce_poll_seconds)
    return start_ticking(jobs)


def create_wsgi_app() -> WSGIApplication:
    """For gunicorn: ``gunicorn 'app:create_wsgi_app()'`` (run ``python app.py migrate`` first)."""
    settings = _settings_or_exit()
    runtime = build_runtime(settings)
    start_scheduler(runtime)
    return runtime.wsgi_app


def serve(settings: Settings) -> None:
    settings.require_for_serving()
    runtime = build_runtime(settings)
    upgrade(runtime.engine)
    check_slack(runtime.slack_client)
    if not settings.crm_webhook_secret:
        log.warning("CRM_WEBHOOK_SECRET is not set: POST /crm/events will answer 503")
    scheduler = start_scheduler(runtime)
    server = HttpServer(runtime.wsgi_app, port=settings.port)
    socket_handler = None
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        socket_handler = SocketModeHandler(runtime.bolt_app, settings.slack_app_token)
        socket_handler.connect()
        log.info("Connected to Slack in Socket Mode")
    routes = "/crm/events, /healthz" + ("" if settings.socket_mode else ", /slack/events")
    log.info("Handoff is running on port %s (%s)", server.port, routes)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("Shutting down")
    finally:
        if socket_handler is not None:
            socket_handler.close()
        scheduler.shutdown(wait=False)


def _settings_or_exit() -> Settings:
    try:
        return Settings.from_env(os.environ)
    except ConfigError as error:
        sys.exit(f"handoff: configuration error: {error.user_message}")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="handoff", description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", nargs="?", default="serve", choices=["serve", "migrate", "demo", "check"]
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    settings = _settings_or_exit()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.command == "demo":
        logging.getLogger().setLevel(logging.WARNING)
    try:
        if args.command == "migrate":
            engine = make_engine(settings.database_url)
            upgrade(engine)
            print(
                "handoff: database at "
                f"{engine.url.render_as_string(hide_password=True)} is up to date"
            )
        elif args.command == "check":
            sys.exit(run_check(settings))
        elif args.command == "demo":
            from bot.sandbox.demo import run_demo

            run_demo(build_runtime)
        else:
            load_playbook(settings.playbook_path)
            serve(settings)
    except ConfigError as error:
        sys.exit(f"handoff: configuration error: {error.user_message}")


def _raise_keyboard_interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
