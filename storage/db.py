"""Engines and session factories for SQLite (the default) and PostgreSQL.

Two kinds of session: ``make_session_factory`` for the services that change things (on SQLite
every transaction takes the write lock at BEGIN), and ``make_read_session_factory`` for the
answers people wait for — lists, ``/handoff status``, the App Home, reports — which never take
the write lock (a deferred BEGIN on SQLite, a READ ONLY transaction on PostgreSQL) and refuse
to write.

SQLite has one write lock per database file. Writers queue for it on a :class:`WriterLock`
first: threads of one process on a Python lock, woken the moment it is free, and processes
(gunicorn workers) on an advisory lock of the file ``<database>-writer``, polled every
millisecond. Left to SQLite's busy handler, a waiting writer sleeps in steps of up to 100 ms
and leaves the lock idle meanwhile, which cut the app's throughput under concurrent writes
to a quarter. ``busy_timeout`` stays as the last resort (a process that does not take the
writer lock, such as the ``sqlite3`` shell).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

SessionFactory = sessionmaker[Session]
READ_ONLY = "handoff_read_only"  # the execution option that marks a read session's connection


class ReadOnlySessionError(RuntimeError):
    """A read session was asked to write: a programming error, never a user's mistake."""


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
        writer_lock = _writer_lock(database, url)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", lambda connection: _begin_immediate(connection, writer_lock))
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


def _ensure_sqlite_directory(url: str) -> str | None:
    """The database file's absolute path (created folder and all), or None for memory/URIs."""
    database = url.split("///", 1)[1] if "///" in url else ""
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database.split("?", 1)[0]).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return str(path)
    return None


try:
    import fcntl
except ImportError:  # Windows: threads of one process still queue; processes use busy_timeout
    fcntl = None  # type: ignore[assignment]

FILE_LOCK_POLL_SECONDS = 0.001
BACKGROUND_PATIENCE_SECONDS = 0.5


class WriterLock:
    """The right to write to one SQLite database: a thread lock for this process, and for a
    database file an exclusive ``flock`` on ``<database>-writer`` held alongside it.

    Requests come first: a thread doing background work (see :func:`background_work`) lets
    waiting requests go ahead of it, for up to ``BACKGROUND_PATIENCE_SECONDS`` per transaction,
    so the relay rendering cards never makes a CRM's POST wait; it catches up in the gaps."""

    def __init__(self, path: str | None) -> None:
        self._guard = threading.Lock()
        self._foreground = threading.Condition(self._guard)
        self._background = threading.Condition(self._guard)
        self._held = False
        self._foreground_waiting = 0
        self._background_patient = 0  # periodic jobs letting requests go first
        self._background_impatient = 0
        self._path = f"{path}-writer" if path is not None and fcntl is not None else None
        self._fd: int | None = None

    def acquire(self, *, timeout: float) -> bool:
        give_up = time.monotonic() + timeout
        if not self._take_thread_lock(give_up):
            return False
        if self._path is None:
            return True
        try:
            if self._fd is None:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() > give_up:
                        self._release_thread_lock()
                        return False
                    time.sleep(FILE_LOCK_POLL_SECONDS)
        except BaseException:
            self._release_thread_lock()
            raise

    def release(self) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._release_thread_lock()

    def _take_thread_lock(self, give_up: float) -> bool:
        with self._guard:
            if _in_background.active:
                if not self._wait_in_background(give_up):
                    return False
            else:
                self._foreground_waiting += 1
                try:
                    while self._held:
                        now = time.monotonic()
                        if now >= give_up:
                            return False
                        self._foreground.wait(give_up - now)
                finally:
                    self._foreground_waiting -= 1
            self._held = True
            return True

    def _wait_in_background(self, give_up: float) -> bool:
        """Wait (holding the guard) while the lock is held or, for as long as this thread's
        patience lasts, while requests wait for it. A patient waiter is signalled only by a
        release that no request is waiting for, and wakes when its patience ends; then it
        competes at every release."""
        stop_yielding = time.monotonic() + BACKGROUND_PATIENCE_SECONDS
        while True:
            now = time.monotonic()
            patient = now < stop_yielding
            if not (self._held or (patient and self._foreground_waiting)):
                return True
            if now >= give_up:
                return False
            if patient:
                self._background_patient += 1
                try:
                    self._background.wait(min(give_up, stop_yielding) - now)
                finally:
                    self._background_patient -= 1
            else:
                self._background_impatient += 1
                try:
                    self._background.wait(give_up - now)
                finally:
                    self._background_impatient -= 1

    def _release_thread_lock(self) -> None:
        with self._guard:
            self._held = False
            if self._foreground_waiting:
                self._foreground.notify()
            if self._background_impatient or (
                self._background_patient and not self._foreground_waiting
            ):
                self._background.notify()


class _Background(threading.local):
    active = False


_in_background = _Background()


@contextmanager
def background_work() -> Iterator[None]:
    """Mark this thread's SQLite writes as background work (periodic jobs): requests waiting
    for the writer lock go first."""
    previous, _in_background.active = _in_background.active, True
    try:
        yield
    finally:
        _in_background.active = previous


_writer_locks: dict[tuple[int, str], WriterLock] = {}
_writer_locks_guard = threading.Lock()


def _writer_lock(database: str | None, url: str) -> WriterLock:
    """One lock per database file in this process (a forked worker gets its own: an inherited
    descriptor would share the parent's ``flock``), shared by every engine that opens it."""
    key = (os.getpid(), database or url)
    with _writer_locks_guard:
        if key not in _writer_locks:
            _writer_locks[key] = WriterLock(database)
        return _writer_locks[key]


class _LockingConnection(sqlite3.Connection):
    """A pysqlite connection that gives the process's writer lock back when its transaction
    ends — after COMMIT or ROLLBACK has run, so the next writer finds SQLite's lock free."""

    writer_lock: WriterLock | None = None

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


def _begin_immediate(connection: Any, writer_lock: WriterLock) -> None:
    info = connection.connection.info  # this database connection's, whichever session has it
    if connection.get_execution_options().get(READ_ONLY):
        # A read: a deferred BEGIN takes no lock until it reads, and WAL lets it read while a
        # writer holds the write lock. query_only makes SQLite itself refuse a write. Nor does
        # it queue for the writer lock.
        connection.exec_driver_sql("BEGIN")
        if not info.get(READ_ONLY):
            connection.exec_driver_sql("PRAGMA query_only=ON")
            info[READ_ONLY] = True
        return
    if info.pop(READ_ONLY, False):
        connection.exec_driver_sql("PRAGMA query_only=OFF")
    # Taking the write lock at BEGIN makes concurrent writers queue instead of failing with
    # "database is locked" when a reader upgrades to a writer. Writers queue on writer_lock
    # first; the connection releases it when the transaction ends.
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


def _refuse_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    raise ReadOnlySessionError("a read session cannot write; use the service's sessions")


def _refuse_writes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlySessionError("a read session cannot write; use the service's sessions")
