"""How Handoff logs: one line per thing that happened, quiet about its own heartbeat.

``LOG_LEVEL`` sets the level and ``LOG_FORMAT=json`` writes one JSON object per line (time,
level, logger, message and any extra fields such as ``handoff_id``) for log shippers. The
same configuration is applied by ``python app.py`` and by gunicorn's ``create_wsgi_app()``.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The attributes every LogRecord has; anything else on a record came in through ``extra=``.
STANDARD_ATTRIBUTES = frozenset(
    set(vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))) | {"message", "asctime"}
)
# Libraries that speak at INFO about routine work: APScheduler twice per job run (relay every
# second: about 9,000 lines an hour), Alembic on every start. Their warnings still show.
ROUTINE_LOGGERS = ("apscheduler.executors.default", "alembic")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(extra_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The classic line, with any extra fields appended as ``key=value``."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = extra_fields(record)
        if not extras:
            return line
        head, newline, rest = line.partition("\n")
        fields = " ".join(f"{key}={value}" for key, value in extras.items())
        return f"{head} [{fields}]{newline}{rest}"


class DropBoltTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and, because Handoff hands it
    a ready WebClient carrying that same token, warns on every start that the token is unused."""

    MESSAGE = warning_client_prioritized_and_token_skipped()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.MESSAGE


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in vars(record).items()
        if key not in STANDARD_ATTRIBUTES and not key.startswith("_")
    }


def configure_logging(
    *, level: str = "INFO", json_lines: bool = False, stream: IO[str] | None = None
) -> None:
    """Route every logger to one stream in the chosen format; safe to call more than once."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    handler.addFilter(DropBoltTokenWarning())
    setattr(handler, "_handoff", True)  # noqa: B010 - marks the handler this module owns
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not getattr(h, "_handoff", False)]
    root.addHandler(handler)
    root.setLevel(level)
    routine = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in ROUTINE_LOGGERS:
        logging.getLogger(name).setLevel(routine)
