"""Events API listeners (Bolt acknowledges events before they run)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks.home import home_view
from bot.handlers import context_events
from bot.slack.ids import Event


def register(app: App) -> None:
    app.event(Event.APP_HOME_OPENED)(publish_home)
    context_events.register(app)


def publish_home(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    user = str(event["user"])
    client.views_publish(user_id=user, view=home_view(context["services"].queries.home(user)))
