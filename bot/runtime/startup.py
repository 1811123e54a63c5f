"""What can stop Handoff from starting besides its settings, each said in one sentence.

The database is reached (and migrated) and the HTTP port is bound before anything else runs,
so a mistake shows up at once, named, instead of as a traceback or a failure hours later.
"""

from __future__ import annotations

import errno
import re
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from bot.web.server import HttpServer
from storage.migrate import alembic_config, is_current, upgrade

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

# psycopg's wording -> what it means for the person starting Handoff.
DATABASE_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"connection refused", re.I), "nothing answers there (connection refused)"),
    (re.compile(r"timeout expired|timed out", re.I), "it did not answer in time"),
    (
        re.compile(r"resolve host|could not translate host|name or service not known", re.I),
        "the host name is unknown",
    ),
    (re.compile(r"password authentication failed", re.I), "the password was refused"),
    (re.compile(r'((?:database|role) "[^"]+" does not exist)', re.I), r"\1"),
    (re.compile(r"permission denied[^\n]*", re.I), r"\g<0>"),
)


class StartupError(Exception):
    """Handoff cannot start; ``user_message`` is one sentence saying why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.user_message = message


def where(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return f"the SQLite file {url.database or ':memory:'}"
    return f"the database at {url.host or 'localhost'}:{url.port or 5432}"


def database_reason(error: DBAPIError) -> str:
    detail = str(error.orig or error)
    for pattern, meaning in DATABASE_REASONS:
        found = pattern.search(detail)
        if found:
            return found.expand(meaning)
    first_line = detail.strip().splitlines()[0] if detail.strip() else type(error).__name__
    return first_line.removeprefix("connection failed: ")


def reach_database(engine: Engine) -> None:
    """Connect once, so an unreachable database is one sentence naming the host."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as error:
        raise StartupError(
            f"cannot reach {where(engine.url)} (DATABASE_URL): {database_reason(error)}; "
            "start the database or correct DATABASE_URL"
        ) from error


def migrate(engine: Engine) -> None:
    """Apply the migrations; a database that refuses them is named, not a traceback."""
    reach_database(engine)
    if is_current(engine):
        return  # the usual restart: Alembic is not even loaded
    try:
        upgrade(engine)
    except (OperationalError, ProgrammingError) as error:
        raise StartupError(
            f"cannot create Handoff's tables in {where(engine.url)}: {database_reason(error)}; "
            "give the DATABASE_URL user the right to create tables there"
        ) from error


def pending_migration(engine: Engine) -> str | None:
    """None when the schema is this release's, else what to do about it."""
    if is_current(engine):
        return None
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return None
    return (
        f"{where(engine.url)} is not up to date (revision {current or 'none'}, this release "
        f"needs {head}); run `python app.py migrate` once"
    )


def require_migrated(engine: Engine) -> None:
    """gunicorn does not migrate: say so if ``python app.py migrate`` was not run."""
    reach_database(engine)
    pending = pending_migration(engine)
    if pending:
        raise StartupError(f"{pending}, then start again")


def bind_http(app: WSGIApplication, port: int) -> HttpServer:
    """Take the port now, before anything else starts, so a busy one stops the start."""
    try:
        return HttpServer(app, port=port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise StartupError(
                f"port {port} is already in use (PORT): stop the program using it, or set "
                f"PORT to a free port such as {port + 1 if port < 65535 else 3000}"
            ) from error
        if error.errno == errno.EACCES:
            raise StartupError(
                f"port {port} needs administrator rights (PORT): set PORT to 1024 or above, "
                "such as 3000"
            ) from error
        raise
