"""Events API listeners (Bolt acknowledges events before they run).

Every event listener runs through ``once_per_delivery``: Slack's retries of a delivery whose
first attempt did the work are recognised by ``event_id`` and do nothing. The work runs on the
after-ack pool, so that Bolt's few threads stay free to ack; when the pool is full it runs
right there instead (the event is acked already: nobody waits for it, and nothing is lost).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks.home import home_view
from bot.handlers import context_events
from bot.handlers.routing import pool_of, reporting_failures
from bot.slack.ids import MESSAGE_EVENT, Event

EventListener = Callable[[dict[str, Any], WebClient, BoltContext], None]


def register(app: App) -> None:
    for event, listener in LISTENERS.items():
        app.event(event)(once_per_delivery(listener))


def once_per_delivery(listener: EventListener) -> Callable[..., None]:
    def run(
        event: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        logger: logging.Logger,
    ) -> None:
        def once() -> None:
            with context["services"].slack_events.once(str(body.get("event_id") or "")) as first:
                if first:
                    listener(event, client, context)

        job = reporting_failures(once, body=body, logger=logger, respond=None, client=client)
        if not pool_of(context).submit(job):
            job()

    run.__name__ = listener.__name__
    return run


def publish_home(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    user = str(event["user"])
    client.views_publish(user_id=user, view=home_view(context["services"].queries.home(user)))


LISTENERS: dict[str, EventListener] = {
    Event.APP_HOME_OPENED: publish_home,
    MESSAGE_EVENT: context_events.on_message,
}
