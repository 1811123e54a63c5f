"""Running Handoff: the periodic jobs, the HTTP server, Socket Mode, and gunicorn's entry."""

from __future__ import annotations

import gc
import logging
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.background import BackgroundScheduler

from bot.config.settings import Settings
from bot.runtime.build import Runtime, build_runtime
from bot.runtime.checks import check_slack
from bot.runtime.startup import bind_http, migrate
from bot.timers.periodic import start_ticking

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

log = logging.getLogger("handoff")
RELAY_INTERVAL_SECONDS = 1.0
SWEEP_INTERVAL_SECONDS = 30
REPORTS_INTERVAL_SECONDS = 300
ROLES_INTERVAL_SECONDS = 300
CONTEXT_INTERVAL_SECONDS = 2
RETENTION_INTERVAL_SECONDS = 3600
GC_THRESHOLDS = (20_000, 50, 50)  # Python's own: (700, 10, 10)


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    jobs: list[tuple[str, Callable[[], object], float]] = [
        ("relay", runtime.relay.run_once, RELAY_INTERVAL_SECONDS),
        ("sweep", runtime.sweeper.sweep, SWEEP_INTERVAL_SECONDS),
        ("reports", runtime.reports.tick, REPORTS_INTERVAL_SECONDS),
        # User groups are resolved ahead of time so that no click waits on Slack for them.
        ("roles", runtime.roles.refresh, ROLES_INTERVAL_SECONDS),
        # Suggestions from calls and the deal channel, and deleting context past retention.
        ("context", runtime.context.run_once, CONTEXT_INTERVAL_SECONDS),
        ("context-retention", runtime.context_upkeep.purge_expired, RETENTION_INTERVAL_SECONDS),
    ]
    for crm in runtime.crms:
        jobs += crm.jobs()
    return start_ticking(jobs, yield_to_requests=runtime.after_ack.yield_to_acks)


def wsgi_app(settings: Settings) -> WSGIApplication:
    """gunicorn's application: the same checks and migrations as ``serve``."""
    settings.require_for_serving()
    runtime = build_runtime(settings)
    # Every worker of every replica may start at once: migrations are serialized (an advisory
    # lock in storage.migrate) and whoever comes second finds the schema current.
    migrate(runtime.engine)
    _warn_about_missing_secrets(settings)
    start_scheduler(runtime)
    settle_the_heap()
    log.info("Handoff is ready (%s)", _routes(settings, runtime))
    return runtime.wsgi_app


def serve(settings: Settings) -> None:
    settings.require_for_serving()
    runtime = build_runtime(settings)
    server = bind_http(runtime.wsgi_app, settings.port)
    migrate(runtime.engine)
    check_slack(runtime.slack_client, settings)
    _warn_about_missing_secrets(settings)
    scheduler = start_scheduler(runtime)
    socket_handler = None
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        socket_handler = SocketModeHandler(runtime.bolt_app, settings.slack_app_token)
        socket_handler.connect()  # type: ignore[no-untyped-call]
        log.info("Connected to Slack in Socket Mode")
    settle_the_heap()
    log.info("Handoff is running on port %s (%s)", server.port, _routes(settings, runtime))
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("Shutting down")
    finally:
        if socket_handler is not None:
            socket_handler.close()  # type: ignore[no-untyped-call]
        scheduler.shutdown(wait=False)


def settle_the_heap() -> None:
    """Exempt the objects built at start-up (modules, the app, its services) from the cyclic
    garbage collector: they live as long as the process, and scanning them on every full
    collection paused every thread — acks included — for tens of milliseconds under load.
    Then collect less often (``GC_THRESHOLDS``): a burst of 50 clicks set off collections
    that held up a few acks each time (ack p99 1.1-2.8x the no-op app over runs under
    ``python app.py``, 1.0-1.6x with these thresholds; with no collector at all, 0.9-1.3x).
    Reference counting still frees everything that is not a cycle at once."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _warn_about_missing_secrets(settings: Settings) -> None:
    if not settings.crm_webhook_secret:
        log.warning("CRM_WEBHOOK_SECRET is not set: POST /crm/events will answer 503")


def _routes(settings: Settings, runtime: Runtime) -> str:
    crm_routes = [path for crm in runtime.crms for _, path in crm.endpoints()]
    routes = ", ".join(["/crm/events", *crm_routes, "/healthz"])
    return routes + ("" if settings.socket_mode else ", /slack/events")


def _raise_keyboard_interrupt(*_: Any) -> None:
    raise KeyboardInterrupt
