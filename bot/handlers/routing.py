"""Registration helpers shared by the surfaces.

Bolt 1.30's threaded runner loses the HTTP answer when a listener raises within ~10 ms of
calling ``ack()``: its error path overwrites the acknowledged response with ``None`` and Slack
gets a 404 "unhandled request". A refusal (``HandoffError``) is exactly such a fast exception,
so listeners are wrapped to answer refusals themselves, through the same reply the error
handler uses. Anything else still propagates to ``@app.error``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from bot.domain.errors import HandoffError
from bot.handlers.replies import tell

Listener = Callable[..., None]
# What answering a refusal needs, whatever the listener itself asks Bolt for.
REPLY_ARGUMENTS = ("ack", "body", "client", "logger", "respond")


def after_ack(listener: Listener) -> Listener:
    wanted = inspect.getfullargspec(inspect.unwrap(listener)).args

    def run(**arguments: Any) -> None:
        try:
            listener(**{name: arguments[name] for name in wanted})
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
    # plus the ones the refusal reply needs, so a listener may ask for any of Bolt's.
    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for name in dict.fromkeys([*wanted, *REPLY_ARGUMENTS])
        ]
    )
    run.__name__ = getattr(listener, "__name__", "listener")
    return run
