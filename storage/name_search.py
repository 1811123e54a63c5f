"""Finding a handoff by part of its deal or account name without reading every row.

``/handoff status vandel`` must find "Vandelay Industries": a substring search in any case,
which a B-tree cannot serve. Each database gets what it offers for that, installed by
migration 0012:

- **SQLite**: an FTS5 table with the trigram tokenizer (``handoff_names``) over the two name
  columns, an external-content index kept in sync by triggers on ``handoffs``. A phrase query
  of three characters or more is a case-insensitive substring match answered from the index.
- **PostgreSQL**: ``pg_trgm`` GIN indexes on ``deal_name`` and ``account_name``, which the
  planner uses for ``ILIKE '%x%'`` itself. Without the extension (not installed on the server,
  or no right to create it) the migration logs the statements that add it later, and search
  stays a scan until then.

Shorter queries (one or two characters) have no trigram to look up: they fall back to the
plain ``ILIKE`` scan on both databases. These objects are not SQLAlchemy models; migrations
compare against the models with :func:`modelled` as the filter. A future SQLite migration that
rebuilds ``handoffs`` (batch mode copies and drops the table, and its triggers with it) must
call :func:`install` again.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import ColumnElement, Connection, or_, select, text
from sqlalchemy.exc import DBAPIError

from storage.models import Handoff

log = logging.getLogger(__name__)

TABLE = "handoff_names"
MIN_LENGTH = 3
TRIGRAM_INDEXES = ("ix_handoffs_deal_name_trgm", "ix_handoffs_account_name_trgm")
_COLUMNS = ("deal_name", "account_name")

_SQLITE_INSTALL = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(deal_name, account_name, "
    "content='handoffs', content_rowid='id', tokenize='trigram')",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON handoffs BEGIN "
    f"INSERT INTO {TABLE}(rowid, deal_name, account_name) "
    "VALUES (new.id, new.deal_name, new.account_name); END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON handoffs BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, deal_name, account_name) "
    "VALUES ('delete', old.id, old.deal_name, old.account_name); END",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF deal_name, account_name ON handoffs BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, deal_name, account_name) "
    "VALUES ('delete', old.id, old.deal_name, old.account_name); "
    f"INSERT INTO {TABLE}(rowid, deal_name, account_name) "
    "VALUES (new.id, new.deal_name, new.account_name); END",
)


def install(connection: Connection) -> bool:
    """Create the name index of this database; ``False`` when PostgreSQL lacks pg_trgm."""
    if connection.dialect.name == "sqlite":
        for statement in _SQLITE_INSTALL:
            connection.exec_driver_sql(statement)
        return True
    schema = _trigram_schema(connection)
    if schema is None:
        log.warning(
            "pg_trgm is not available: /handoff status searches names with a full scan. To "
            "index them, as a superuser: CREATE EXTENSION pg_trgm; then %s",
            " ".join(
                f"CREATE INDEX {index} ON handoffs USING gin ({column} gin_trgm_ops);"
                for index, column in zip(TRIGRAM_INDEXES, _COLUMNS, strict=True)
            ),
        )
        return False
    quoted = connection.dialect.identifier_preparer.quote_identifier(schema)
    for index, column in zip(TRIGRAM_INDEXES, _COLUMNS, strict=True):
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {index} ON handoffs "
            f"USING gin ({column} {quoted}.gin_trgm_ops)"
        )
    return True


def uninstall(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for suffix in ("insert", "delete", "update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TABLE}_{suffix}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
        return
    for index in TRIGRAM_INDEXES:
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")


def _trigram_schema(connection: Connection) -> str | None:
    """The schema holding pg_trgm, creating the extension (in ``public`` when there is one, so
    that dropping an application schema never drops it) if this role may."""
    find = text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    schema: str | None = connection.scalar(find)
    if schema is not None:
        return schema
    has_public = connection.scalar(
        text("SELECT count(*) FROM pg_namespace WHERE nspname = 'public'")
    )
    target = "public" if has_public else str(connection.scalar(text("SELECT current_schema()")))
    quoted = connection.dialect.identifier_preparer.quote_identifier(target)
    try:
        with connection.begin_nested():
            connection.exec_driver_sql(f"CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA {quoted}")
    except DBAPIError as error:  # not installed on the server, or not ours to create
        log.warning("could not create pg_trgm: %s", error.orig)
        return None
    created: str | None = connection.scalar(find)
    return created


def name_condition(dialect: str, words: str) -> ColumnElement[bool]:
    """Deal or account name contains ``words`` in any case, answered from the name index when
    ``words`` has a trigram (three characters or more)."""
    words = words.strip()
    if dialect == "sqlite" and len(words) >= MIN_LENGTH:
        # An FTS5 phrase of trigrams: a substring match. Quotes inside are doubled.
        phrase = '"' + words.replace('"', '""') + '"'
        matches = (
            select(text("rowid"))
            .select_from(text(TABLE))
            .where(text(f"{TABLE} MATCH :name_phrase").bindparams(name_phrase=phrase))
        )
        return Handoff.id.in_(matches)
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(
        Handoff.deal_name.ilike(pattern, escape="\\"),
        Handoff.account_name.ilike(pattern, escape="\\"),
    )


def modelled(name: str | None, type_: str, parent_names: Any = None) -> bool:
    """Alembic's ``include_name``: leave the search objects out of model comparisons."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(TABLE)
    if type_ == "index":
        return name not in TRIGRAM_INDEXES
    return True
