"""The one place failures of Slack listeners are turned into replies."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import HandoffError


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
    if respond is not None and body.get("response_url"):
        respond(text=message, response_type="ephemeral", replace_original=False)
        return
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    if user:
        # Modals and the App Home have no response_url: the app's DM with the person is the
        # private place to answer.
        try:
            client.chat_postMessage(channel=user, text=message)
        except SlackApiError as failure:
            logger.warning("could not tell %s [%s]: %s", user, reference, failure)
