"""Registration helpers shared by the surfaces: ack first, the rest on the after-ack pool.

A listener does only the cheap part of a request on Bolt's thread — read the payload,
validate (pure, or through a read session), decide what the ack says — and hands the rest to
``later(job)``: ``later`` takes a place on the after-ack pool (``bot/handlers/later.py``),
acks, and queues the job, so nothing a person waits for happens between the request and its
ack. When the pool is full the person is told "busy, try again" in the ack itself (a slash
command, a modal's inline error) or privately (a button), never left waiting.

Bolt 1.30's threaded runner loses the HTTP answer when a listener raises within ~10 ms of
calling ``ack()``: its error path overwrites the acknowledged response with ``None`` and Slack
gets a 404 "unhandled request". A refusal (``HandoffError``) is exactly such a fast exception,
so listeners are wrapped to answer refusals themselves, through the same reply the error
handler uses. A job's failure, on the pool, goes to the same error handler as ``@app.error``.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from bot.domain.errors import HandoffError
from bot.handlers.errors import handle_error
from bot.handlers.later import AfterAckPool, Job
from bot.handlers.replies import tell

Listener = Callable[..., None]
Later = Callable[[Job], None]
# What answering a refusal or a busy pool needs, whatever the listener itself asks Bolt for.
REPLY_ARGUMENTS = ("ack", "body", "client", "logger", "respond", "context")
BUSY = ":hourglass: Handoff is busy right now and did not take that in. Try again in a moment."


def after_ack(listener: Listener) -> Listener:
    wanted = inspect.getfullargspec(inspect.unwrap(listener)).args

    def run(**arguments: Any) -> None:
        supplied = {**arguments, "later": _later(arguments)}
        try:
            listener(**{name: supplied[name] for name in wanted})
        except HandoffError as refusal:
            ack, logger = arguments["ack"], arguments["logger"]
            if ack.response is None:
                ack()
            logger.info("refused: %s", refusal.user_message)
            tell(
                refusal.user_message,
                body=arguments["body"],
                respond=arguments["respond"],
                client=arguments["client"],
                logger=logger,
            )

    # Bolt injects arguments by the names a listener declares: declare the listener's own
    # (but ``later``, ours) plus the ones the replies need, so a listener may ask for any of
    # Bolt's.
    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for name in dict.fromkeys([*wanted, *REPLY_ARGUMENTS])
            if name != "later"
        ]
    )
    run.__name__ = getattr(listener, "__name__", "listener")
    return run


def pool_of(context: Any) -> AfterAckPool:
    pool: AfterAckPool = context["after_ack"]
    return pool


def reporting_failures(
    job: Job, *, body: dict[str, Any], logger: logging.Logger, respond: Any, client: Any
) -> Job:
    """The job, with its refusals and failures answered as ``@app.error`` answers them."""

    def run() -> None:
        try:
            job()
        except Exception as error:  # handed to the error handler: logged and answered
            handle_error(error, body=body, logger=logger, respond=respond, client=client)

    return run


def _later(arguments: dict[str, Any]) -> Later:
    def later(job: Job) -> None:
        reported = reporting_failures(
            job,
            body=arguments["body"],
            logger=arguments["logger"],
            respond=arguments["respond"],
            client=arguments["client"],
        )
        if not pool_of(arguments["context"]).submit(reported, first=arguments["ack"]):
            _busy(arguments)

    return later


def _busy(arguments: dict[str, Any]) -> None:
    ack, body, logger = arguments["ack"], arguments["body"], arguments["logger"]
    logger.warning("after-ack pool full: answered busy to a %s", body.get("type") or "command")
    if body.get("command"):
        ack(response_type="ephemeral", text=BUSY)
        return
    if body.get("type") == "view_submission":
        inputs = list(((body.get("view") or {}).get("state") or {}).get("values") or {})
        if inputs:  # the modal stays open with what the person typed, and says why
            ack(response_action="errors", errors={inputs[0]: BUSY})
            return
    ack()
    tell(BUSY, body=body, respond=arguments["respond"], client=arguments["client"], logger=logger)
