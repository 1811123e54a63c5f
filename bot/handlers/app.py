"""The Bolt app factory: explicit arguments in, a fully registered ``App`` out."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot import handlers
from bot.handlers.later import AfterAckPool
from bot.handlers.services import Services


def create_bolt_app(
    *,
    client: WebClient,
    signing_secret: str | None,
    services: Services,
    after_ack: AfterAckPool,
    listener_executor: Executor | None = None,
) -> App:
    app = App(
        listener_executor=listener_executor,
        client=client,
        signing_secret=signing_secret or "socket-mode-does-not-sign",
        request_verification_enabled=signing_secret is not None,
        # The token is checked once at start-up by the serve command, which can tell a bad
        # token (stop) from an unreachable Slack (keep going); Bolt's own check cannot.
        token_verification_enabled=False,
    )

    @app.middleware
    def provide_services(context: BoltContext, next: Callable[[], None]) -> None:
        context["services"] = services
        context["after_ack"] = after_ack  # bot/handlers/routing.py: what runs after the ack
        # Jobs on the after-ack pool wait for the acks being made (bot/handlers/later.py).
        # Over HTTP a request is already counted from the door (bot/web/slack_endpoint.py);
        # this counts Socket Mode's, and counting one twice only nests.
        with after_ack.acking():
            next()

    handlers.register(app)
    return app
