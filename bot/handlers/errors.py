"""The one place failures of Slack listeners are turned into replies."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.domain.errors import HandoffError
from bot.handlers.replies import tell


def register(app: App) -> None:
    app.error(handle_error)


def handle_error(
    error: Exception,
    body: dict[str, Any],
    logger: logging.Logger,
    respond: Respond | None,
    client: WebClient,
) -> None:
    reference = uuid.uuid4().hex[:10]
    if isinstance(error, HandoffError):
        logger.info("refused [%s]: %s", reference, error.user_message)
        message = error.user_message
    else:
        logger.error("listener failed [%s]", reference, exc_info=error)
        message = (
            ":warning: Something went wrong on our side and nothing was changed. "
            f"If it keeps happening, give your Handoff admin this reference: `{reference}`."
        )
    tell(message, body=body, respond=respond, client=client, logger=logger)
