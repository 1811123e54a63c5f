"""Engines and session factories for SQLite (the default) and PostgreSQL.

SQLite has one write lock per database file. Threads of one process queue for it on a
Python lock (:class:`_WriterLock`), woken the moment it is free; left to SQLite's busy
handler they would sleep in steps of up to 100 ms and leave the lock idle meanwhile, which
cut the app's throughput under concurrent writes to a quarter. Processes (gunicorn workers)
still meet at SQLite's own lock, on ``busy_timeout``.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

SessionFactory = sessionmaker[Session]

SQLITE_BUSY_SECONDS = 30.0


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for our access pattern: short transactions from many threads."""
    if url.startswith("sqlite"):
        database = _ensure_sqlite_directory(url)
        connect_args = {
            "timeout": SQLITE_BUSY_SECONDS,
            "check_same_thread": False,
            "factory": _LockingConnection,
            **kwargs.pop("connect_args", {}),
        }
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        writer_lock = _writer_lock(database or url)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", lambda connection: _begin_immediate(connection, writer_lock))
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _ensure_sqlite_directory(url: str) -> str | None:
    """The database file's absolute path (created folder and all), or None for memory/URIs."""
    database = url.split("///", 1)[1] if "///" in url else ""
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database.split("?", 1)[0]).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return str(path)
    return None


_writer_locks: dict[str, threading.Lock] = {}
_writer_locks_guard = threading.Lock()


def _writer_lock(database: str) -> threading.Lock:
    """One lock per database file in this process, shared by every engine that opens it."""
    with _writer_locks_guard:
        return _writer_locks.setdefault(database, threading.Lock())


class _LockingConnection(sqlite3.Connection):
    """A pysqlite connection that gives the process's writer lock back when its transaction
    ends — after COMMIT or ROLLBACK has run, so the next writer finds SQLite's lock free."""

    writer_lock: threading.Lock | None = None

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release_writer_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release_writer_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release_writer_lock()

    def _release_writer_lock(self) -> None:
        lock, self.writer_lock = self.writer_lock, None
        if lock is not None:
            lock.release()


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is switched off so that "begin" below is ours;
    # WAL lets readers run while one writer commits.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
    cursor.close()


def _begin_immediate(connection: Any, writer_lock: threading.Lock) -> None:
    # Taking the write lock at BEGIN makes concurrent writers queue instead of failing with
    # "database is locked" when a reader upgrades to a writer. Threads of this process queue
    # on writer_lock first; the connection releases it when the transaction ends.
    dbapi_connection = connection.connection.dbapi_connection
    if not writer_lock.acquire(timeout=SQLITE_BUSY_SECONDS):
        raise OperationalError(
            "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked")
        )
    dbapi_connection.writer_lock = writer_lock
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        dbapi_connection._release_writer_lock()
        raise
