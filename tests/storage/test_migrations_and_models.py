"""Migrations build exactly the models' schema on every backend; the inbox is unique."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from storage import name_search
from storage.db import make_session_factory
from storage.migrate import upgrade
from storage.models import Base, CrmCursor, Handoff, InboxEvent, ReportMarker


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": name_search.modelled}
        )
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


def test_migration_0007_keeps_the_aes_email_and_moves_report_markers(
    unmigrated_database: Engine,
) -> None:
    engine = unmigrated_database
    upgrade(engine, "0006")
    now = datetime(2026, 11, 23, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO handoffs (crm, deal_id, deal_name, stage, owner_email, status, "
                "last_event_at, created_at, updated_at, state_version, rendered_version, "
                "ae_lookup_done, card_attempts) VALUES ('webhook', 'D1', 'Acme', 'Closed Won', "
                "'dana@vendor.example', 'held', :now, :now, :now, 1, 0, false, 0)"
            ),
            {"now": now},
        )
        for name in ("report.weekly", "salesforce.opportunities"):
            connection.execute(
                text("INSERT INTO crm_cursors (name, position, updated_at) VALUES (:n, :t, :t)"),
                {"n": name, "t": now},
            )
    upgrade(engine)
    with make_session_factory(engine).begin() as session:
        assert session.query(Handoff).one().ae_email == "dana@vendor.example"
        assert [m.name for m in session.query(ReportMarker)] == ["report.weekly"]
        assert [c.name for c in session.query(CrmCursor)] == ["salesforce.opportunities"]


def test_migration_0010_gives_pending_crm_work_to_the_crm_of_its_handoff(
    unmigrated_database: Engine,
) -> None:
    from storage.models import OutboxMessage

    engine = unmigrated_database
    upgrade(engine, "0007")
    now = datetime(2026, 11, 23, tzinfo=UTC)
    with engine.begin() as connection:
        for deal, crm in (("006A", "salesforce"), ("D1", "webhook")):
            connection.execute(
                text(
                    "INSERT INTO handoffs (crm, deal_id, deal_name, stage, status, "
                    "last_event_at, created_at, updated_at, state_version, rendered_version, "
                    "ae_lookup_done, card_attempts) VALUES (:crm, :deal, 'Acme', 'Closed Won', "
                    "'held', :now, :now, :now, 1, 0, false, 0)"
                ),
                {"crm": crm, "deal": deal, "now": now},
            )
        ids = dict(connection.execute(text("SELECT deal_id, id FROM handoffs")).all())
        rows = [
            ("crm_sync", ids["006A"], "{}"),
            ("crm_task", ids["006A"], '{"subject": "Follow up", "due": "2026-12-07"}'),
            ("crm_refresh", None, '{"opportunity_id": "006A"}'),
            ("thread_note", ids["D1"], '{"action": "claimed"}'),
        ]
        for kind, handoff_id, payload in rows:
            connection.execute(
                text(
                    "INSERT INTO outbox (kind, handoff_id, payload, status, attempts, "
                    "next_attempt_at, created_at) VALUES (:kind, :h, :p, 'pending', 0, :now, :now)"
                ),
                {"kind": kind, "h": handoff_id, "p": payload, "now": now},
            )
    upgrade(engine)
    with make_session_factory(engine).begin() as session:
        kept = {(m.kind.value, m.crm): m.payload for m in session.query(OutboxMessage)}
    assert kept == {
        ("crm_sync", "salesforce"): {},
        ("crm_task", "salesforce"): {"subject": "Follow up", "due": "2026-12-07"},
        ("crm_refresh", "salesforce"): {"opportunity_id": "006A"},
        ("thread_note", None): {"action": "claimed"},
    }


def test_migration_0011_keeps_handoffs_and_field_values(unmigrated_database: Engine) -> None:
    """0011 rebuilds field_values on SQLite (a new foreign key): every row must survive."""
    engine = unmigrated_database
    upgrade(engine, "0007")
    now = datetime(2026, 11, 23, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO handoffs (crm, deal_id, deal_name, stage, ae_email, status, "
                "last_event_at, created_at, updated_at, state_version, rendered_version, "
                "ae_lookup_done, card_attempts, channel_id) VALUES ('webhook', 'D1', 'Acme', "
                "'Closed Won', 'dana@vendor.example', 'held', :now, :now, :now, 3, 2, false, 0, "
                "'C0DEAL')"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO field_values (handoff_id, key, value, source, set_by, updated_at, "
                "crm_value) VALUES (1, 'risks', 'Carver ERP', 'person', 'U0DANA', :now, 'x')"
            ),
            {"now": now},
        )
    upgrade(engine)
    with make_session_factory(engine).begin() as session:
        handoff = session.query(Handoff).one()
        assert (handoff.state_version, handoff.channel_id, handoff.suggestions_waiting) == (
            3,
            "C0DEAL",
            0,
        )
        [value] = handoff.fields
        assert (value.key, value.value, value.set_by, value.crm_value) == (
            "risks",
            "Carver ERP",
            "U0DANA",
            "x",
        )
        assert value.suggested_from is None and value.suggestion_id is None


def test_migration_0012_indexes_existing_names_and_remembers_todays_nudges(
    unmigrated_database: Engine,
) -> None:
    """0012 indexes the names already stored and carries each handoff's latest nudge day per
    kind over from the audit trail, so the upgrade never nudges twice on one day."""
    engine = unmigrated_database
    upgrade(engine, "0011")
    now = datetime(2026, 11, 23, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO handoffs (crm, deal_id, deal_name, account_name, stage, status, "
                "last_event_at, created_at, updated_at, state_version, rendered_version, "
                "ae_lookup_done, card_attempts) VALUES ('webhook', 'D1', 'Platform 2026', "
                "'Vandelay Industries', 'Closed Won', 'held', :now, :now, :now, 1, 1, false, 0)"
            ),
            {"now": now},
        )
        for day in ("2026-11-20", "2026-11-23"):
            connection.execute(
                text(
                    "INSERT INTO audit_events (handoff_id, at, actor, action, detail) "
                    "VALUES (1, :now, 'handoff', 'nudged', :detail)"
                ),
                {"now": now, "detail": f'{{"kind": "sla_warn", "day": "{day}"}}'},
            )
    upgrade(engine)
    with make_session_factory(engine).begin() as session:
        handoff = session.query(Handoff).one()
        assert handoff.nudged_on == {"sla_warn": "2026-11-23"}
        found = session.scalars(
            select(Handoff.id).where(name_search.name_condition(engine.dialect.name, "andelay"))
        ).all()
        assert found == [1]


def test_without_pg_trgm_names_are_still_found_and_the_log_says_how_to_index_them(
    unmigrated_database: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    engine = unmigrated_database
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite always has FTS5")
    monkeypatch.setattr(name_search, "_trigram_schema", lambda connection: None)
    upgrade(engine)
    assert "CREATE EXTENSION pg_trgm" in caplog.text
    assert "CREATE INDEX ix_handoffs_deal_name_trgm" in caplog.text
    now = datetime(2026, 11, 23, tzinfo=UTC)
    with engine.begin() as connection:
        indexes = connection.scalars(
            text(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'handoffs' "
                "AND schemaname = current_schema()"
            )
        ).all()
        assert not set(name_search.TRIGRAM_INDEXES) & set(indexes)
        connection.execute(
            text(
                "INSERT INTO handoffs (crm, deal_id, deal_name, account_name, stage, status, "
                "last_event_at, created_at, updated_at, state_version, rendered_version, "
                "ae_lookup_done, card_attempts) VALUES ('webhook', 'D1', 'Platform 2026', "
                "'Vandelay Industries', 'Closed Won', 'held', :now, :now, :now, 1, 1, false, 0)"
            ),
            {"now": now},
        )
        found = connection.scalars(
            select(Handoff.id).where(name_search.name_condition("postgresql", "VANDEL"))
        ).all()
    assert len(found) == 1
