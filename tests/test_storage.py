"""Migrations build exactly the models' schema on every backend; the inbox is unique."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from storage.db import make_session_factory
from storage.models import Base, InboxEvent


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_inbox_refuses_a_second_copy_of_an_event(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    row = dict(
        source="webhook", external_id="evt_1", received_at=now, outcome="applied", payload={}
    )
    with sessions.begin() as session:
        session.add(InboxEvent(**row))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(InboxEvent(**row))


def test_datetimes_come_back_aware_in_utc(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    moment = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    with sessions.begin() as session:
        session.add(
            InboxEvent(source="s", external_id="e", received_at=moment, outcome="x", payload={})
        )
    with sessions.begin() as session:
        stored = session.query(InboxEvent).one().received_at
    assert stored == moment and stored.tzinfo is not None
