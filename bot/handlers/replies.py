"""Private answers to one person: ephemeral where Slack gave a response_url, else their DM."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def tell(
    message: str,
    *,
    body: dict[str, Any],
    respond: Respond | None,
    client: WebClient,
    logger: logging.Logger,
) -> None:
    if respond is not None and body.get("response_url"):
        respond(text=message, response_type="ephemeral", replace_original=False)
        return
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    if not user:
        return
    # Modals and the App Home have no response_url: the app's DM with the person is the
    # private place to answer.
    try:
        client.chat_postMessage(channel=user, text=message)
    except SlackApiError as failure:
        logger.warning("could not tell %s: %s", user, failure.response.get("error"))
