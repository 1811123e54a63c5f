"""Reads never take SQLite's write lock, and a read session cannot write (issue #10)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select, update

from storage.db import ReadOnlySessionError, make_read_session_factory, make_session_factory
from storage.models import CrmCursor

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_read_goes_through_while_a_writer_holds_the_lock(engine: Engine) -> None:
    sessions, reads = make_session_factory(engine), make_read_session_factory(engine)
    with sessions.begin() as session:
        session.add(CrmCursor(name="poll", position=AT, updated_at=AT))
    with sessions.begin() as writer:
        # This transaction holds the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the
        # row lock of an uncommitted UPDATE) until the block ends.
        writer.execute(update(CrmCursor).values(position=AT.replace(hour=10)))
        with reads.begin() as session:
            # A write transaction here would wait 30 s for the lock and then fail.
            seen = session.scalars(select(CrmCursor.position)).all()
        assert [position.hour for position in seen] == [9]  # the last committed value
    with reads.begin() as session:
        assert session.scalars(select(CrmCursor.position)).one().hour == 10


def test_a_read_session_refuses_to_write(engine: Engine) -> None:
    reads = make_read_session_factory(engine)
    with pytest.raises(ReadOnlySessionError), reads.begin() as session:
        session.add(CrmCursor(name="poll", position=AT, updated_at=AT))
    with pytest.raises(ReadOnlySessionError), reads.begin() as session:
        session.execute(update(CrmCursor).values(position=AT))
    with make_session_factory(engine).begin() as session:
        assert session.scalars(select(CrmCursor)).all() == []


def test_a_connection_used_for_reading_can_write_afterwards(engine: Engine) -> None:
    sessions, reads = make_session_factory(engine), make_read_session_factory(engine)
    for hour in (9, 10, 11):  # the pool hands the same connections back and forth
        with reads.begin() as session:
            session.scalars(select(CrmCursor)).all()
        with sessions.begin() as session:
            session.merge(CrmCursor(name="poll", position=AT.replace(hour=hour), updated_at=AT))
    with reads.begin() as session:
        assert session.scalars(select(CrmCursor.position)).one().hour == 11
