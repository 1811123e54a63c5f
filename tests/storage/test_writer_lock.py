"""SQLite's writer lock as this process takes it: requests before periodic work, released
whatever way a transaction ends, shared with other processes through ``<database>-writer``,
and a database that stays busy still answers "database is locked" (the app's 503)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

import storage.db as db
from storage.db import WriterLock, background_work, make_engine
from tests.support.waiting import wait_until


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (who TEXT)"))
    yield engine
    engine.dispose()


def lock_of(engine: Engine, tmp_path: Path) -> WriterLock:
    return db._writer_lock(str((tmp_path / "lock.db").resolve()), str(engine.url))


def test_a_waiting_request_writes_before_waiting_periodic_work(
    engine: Engine, tmp_path: Path
) -> None:
    lock = lock_of(engine, tmp_path)
    order: list[str] = []

    def write(who: str, background: bool) -> None:
        def insert() -> None:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO t VALUES (:who)"), {"who": who})
                order.append(who)

        if background:
            with background_work():
                insert()
        else:
            insert()

    assert lock.acquire(timeout=5)  # a transaction in progress
    relay = threading.Thread(target=write, args=("relay", True))
    relay.start()
    wait_until(lambda: lock._held and relay.is_alive())
    request = threading.Thread(target=write, args=("request", False))
    request.start()
    wait_until(lambda: lock._foreground_waiting == 1)
    lock.release()
    request.join(timeout=10)
    relay.join(timeout=10)
    assert order == ["request", "relay"]
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT who FROM t ORDER BY rowid")).scalars().all()
    assert rows == ["request", "relay"]


class CountingCondition(threading.Condition):
    """A condition that counts its waiters and the signals sent to them."""

    def __init__(self, lock: threading.Lock) -> None:
        super().__init__(lock)
        self.waiting = 0
        self.signals = 0

    def wait(self, timeout: float | None = None) -> bool:
        self.waiting += 1
        try:
            return super().wait(timeout)
        finally:
            self.waiting -= 1

    def notify(self, n: int = 1) -> None:
        self.signals += 1
        super().notify(n)


@dataclass
class Queue:
    """A request's transaction holding the lock, a periodic job and then a request waiting."""

    lock: WriterLock
    background: CountingCondition
    taken: list[str]
    threads: list[threading.Thread]

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=10)


def job_then_request_waiting() -> Queue:
    lock = WriterLock(None)
    background = lock._background = CountingCondition(lock._guard)
    taken: list[str] = []

    def take(who: str) -> None:
        assert lock.acquire(timeout=10)
        taken.append(who)
        lock.release()

    def take_in_background() -> None:
        with background_work():
            take("job")

    assert lock.acquire(timeout=1)  # a request's transaction
    job = threading.Thread(target=take_in_background)
    job.start()
    wait_until(lambda: background.waiting == 1)
    request = threading.Thread(target=take, args=("request",))
    request.start()
    wait_until(lambda: lock._foreground_waiting == 1)
    return Queue(lock, background, taken, [request, job])


def test_periodic_work_waiting_behind_requests_sleeps_until_its_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A request's release hands the lock to the next request without waking the periodic
    job that waits behind them: under a stream of CRM events that wake-up was two context
    switches per event, for nothing."""
    monkeypatch.setattr(db, "BACKGROUND_PATIENCE_SECONDS", 30.0)
    queue = job_then_request_waiting()
    queue.lock.release()
    queue.join()
    assert queue.taken == ["request", "job"]
    assert queue.background.signals == 1  # once: when the last request was done


def test_periodic_work_past_its_patience_competes_at_every_release(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(db, "BACKGROUND_PATIENCE_SECONDS", 0.0)
    queue = job_then_request_waiting()
    queue.lock.release()
    assert queue.background.signals == 1  # signalled with the request: no longer patient
    queue.join()
    assert sorted(queue.taken) == ["job", "request"]


def test_the_lock_is_free_again_after_commit_rollback_and_a_failed_statement(
    engine: Engine, tmp_path: Path
) -> None:
    lock = lock_of(engine, tmp_path)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES ('a')"))
    assert lock.acquire(timeout=0.1)
    lock.release()
    with pytest.raises(OperationalError), engine.begin() as connection:
        connection.execute(text("INSERT INTO missing VALUES (1)"))
    assert lock.acquire(timeout=0.1)
    lock.release()
    connection = engine.connect()
    connection.execute(text("INSERT INTO t VALUES ('b')"))
    connection.close()  # closed mid-transaction: rolled back
    assert lock.acquire(timeout=0.1)
    lock.release()


def test_a_writer_that_cannot_get_the_lock_in_time_gets_database_is_locked(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = lock_of(engine, tmp_path)
    monkeypatch.setattr(db, "SQLITE_BUSY_SECONDS", 0.05)
    assert lock.acquire(timeout=5)
    try:
        failure: list[BaseException] = []

        def write() -> None:
            try:
                with engine.begin() as connection:
                    connection.execute(text("INSERT INTO t VALUES ('late')"))
            except OperationalError as error:
                failure.append(error)

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=10)
    finally:
        lock.release()
    assert len(failure) == 1 and "database is locked" in str(failure[0])
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar_one() == 0


PROBE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    print("busy")
else:
    print("free")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_other_processes_wait_for_the_writer_while_a_transaction_is_open(
    engine: Engine, tmp_path: Path
) -> None:
    marker = str((tmp_path / "lock.db").resolve()) + "-writer"

    def probe() -> str:
        command = [sys.executable, "-c", PROBE, marker]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES ('open')"))
        assert probe() == "busy"
    assert probe() == "free"
