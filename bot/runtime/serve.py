"""Running Handoff: the periodic jobs, the HTTP server, Socket Mode, and gunicorn's entry."""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.background import BackgroundScheduler

from bot.config.settings import Settings
from bot.runtime.build import Runtime, build_runtime
from bot.runtime.checks import check_slack
from bot.timers.periodic import start_ticking
from bot.web.server import HttpServer
from storage.migrate import upgrade

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

log = logging.getLogger("handoff")
RELAY_INTERVAL_SECONDS = 1.0
SWEEP_INTERVAL_SECONDS = 30
REPORTS_INTERVAL_SECONDS = 300
ROLES_INTERVAL_SECONDS = 300


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    jobs: list[tuple[str, Callable[[], object], float]] = [
        ("relay", runtime.relay.run_once, RELAY_INTERVAL_SECONDS),
        ("sweep", runtime.sweeper.sweep, SWEEP_INTERVAL_SECONDS),
        ("reports", runtime.reports.tick, REPORTS_INTERVAL_SECONDS),
        # User groups are resolved ahead of time so that no click waits on Slack for them.
        ("roles", runtime.roles.refresh, ROLES_INTERVAL_SECONDS),
    ]
    if runtime.salesforce is not None:
        jobs += runtime.salesforce.jobs(poll_seconds=runtime.settings.salesforce_poll_seconds)
    return start_ticking(jobs)


def wsgi_app(settings: Settings) -> WSGIApplication:
    runtime = build_runtime(settings)
    # Every worker of every replica may start at once: migrations are serialized (storage.migrate)
    # and whoever comes second finds the schema current.
    upgrade(runtime.engine)
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
        socket_handler.connect()  # type: ignore[no-untyped-call]
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
            socket_handler.close()  # type: ignore[no-untyped-call]
        scheduler.shutdown(wait=False)


def _raise_keyboard_interrupt(*_: Any) -> None:
    raise KeyboardInterrupt
