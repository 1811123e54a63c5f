"""Registration helpers shared by the surfaces.

Bolt 1.30's threaded runner loses the HTTP answer when a listener raises within ~10 ms of
calling ``ack()``: its error path overwrites the acknowledged response with ``None`` and Slack
gets a 404 "unhandled request". A refusal (``HandoffError``) is exactly such a fast exception,
so listeners are wrapped to answer refusals themselves, through the same reply the error
handler uses. Anything else still propagates to ``@app.error``.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.domain.errors import HandoffError
from bot.handlers.replies import tell

Listener = Callable[..., None]


def after_ack(listener: Listener) -> Listener:
    wanted = inspect.getfullargspec(listener).args

    def run(
        ack: Ack,
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        logger: logging.Logger,
        respond: Respond,
        view: dict[str, Any] | None,
        command: dict[str, Any] | None,
    ) -> None:
        available = {
            "ack": ack,
            "body": body,
            "client": client,
            "context": context,
            "logger": logger,
            "respond": respond,
            "view": view,
            "command": command,
        }
        try:
            listener(**{name: available[name] for name in wanted})
        except HandoffError as refusal:
            if ack.response is None:
                ack()
            logger.info("refused: %s", refusal.user_message)
            tell(refusal.user_message, body=body, respond=respond, client=client, logger=logger)

    run.__name__ = getattr(listener, "__name__", "listener")
    return run
