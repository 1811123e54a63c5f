"""Engines and session factories for SQLite (the default) and PostgreSQL.

Two kinds of session: ``make_session_factory`` for the services that change things (on SQLite
every transaction takes the write lock at BEGIN), and ``make_read_session_factory`` for the
answers people wait for — lists, ``/handoff status``, the App Home, reports — which never take
the write lock (a deferred BEGIN on SQLite, a READ ONLY transaction on PostgreSQL) and refuse
to write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

SessionFactory = sessionmaker[Session]
READ_ONLY = "handoff_read_only"  # the execution option that marks a read session's connection


class ReadOnlySessionError(RuntimeError):
    """A read session was asked to write: a programming error, never a user's mistake."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for our access pattern: short transactions from many threads."""
    if url.startswith("sqlite"):
        _ensure_sqlite_directory(url)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> SessionFactory:
    """Sessions for reading only: they never wait for, or hold, SQLite's write lock, and any
    flush or INSERT/UPDATE/DELETE through them raises ``ReadOnlySessionError``."""
    options: dict[str, Any] = {READ_ONLY: True}
    if is_postgresql(engine):
        options["postgresql_readonly"] = True
    reads = sessionmaker(engine.execution_options(**options), expire_on_commit=False)
    event.listen(reads, "before_flush", _refuse_flush)
    event.listen(reads, "do_orm_execute", _refuse_writes)
    return reads


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _ensure_sqlite_directory(url: str) -> None:
    database = url.split("///", 1)[1] if "///" in url else ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is switched off so that "begin" below is ours;
    # WAL lets readers run while one writer commits.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    info = connection.connection.info  # this database connection's, whichever session has it
    if connection.get_execution_options().get(READ_ONLY):
        # A read: a deferred BEGIN takes no lock until it reads, and WAL lets it read while a
        # writer holds the write lock. query_only makes SQLite itself refuse a write.
        connection.exec_driver_sql("BEGIN")
        if not info.get(READ_ONLY):
            connection.exec_driver_sql("PRAGMA query_only=ON")
            info[READ_ONLY] = True
        return
    if info.pop(READ_ONLY, False):
        connection.exec_driver_sql("PRAGMA query_only=OFF")
    # Taking the write lock at BEGIN makes concurrent writers queue on busy_timeout
    # instead of failing with "database is locked" when a reader upgrades to a writer.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _refuse_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    raise ReadOnlySessionError("a read session cannot write; use the service's sessions")


def _refuse_writes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlySessionError("a read session cannot write; use the service's sessions")
