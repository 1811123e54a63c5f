"""Every lookup of /handoff and the App Home is answered from an index, on both databases.

The statements are the ones HandoffQueries really sends (recorded at the cursor), explained
against 20,000 handoffs from bench/seed.py: no full scan of a table and no sort of it
(SQLite's "SCAN <table>" and "USE TEMP B-TREE", PostgreSQL's "Seq Scan" and "Sort").
Searching a name sorts only the handoffs whose name matched; the fields of the listed
handoffs (at most 15) are sorted by id once read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text

from bench.seed import CSMS, seed
from bot.config.playbook import Playbook
from bot.domain.clock import ManualClock
from bot.domain.roles import RoleDirectory
from bot.workflow.queries import HandoffQueries
from storage.db import make_session_factory
from storage.models import AuditEvent

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
CSM = CSMS[7]


class NoGroups:
    def usergroup_members(self, handle: str) -> set[str] | None:
        return None


@pytest.fixture(params=["no statistics", "analyzed"])
def seeded(engine: Engine, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """20,000 handoffs, with and without planner statistics: SQLite has no autovacuum and few
    run ANALYZE, so its plans must not depend on them. PostgreSQL's autovacuum analyzes a
    table after bulk changes, and its planner is judged with them."""
    if request.param == "no statistics" and engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL plans with the statistics autovacuum keeps")
    seed(engine, 20_000, now=NOW)
    if request.param == "analyzed":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    yield engine


def queries(engine: Engine, playbook: Playbook) -> HandoffQueries:
    team = playbook.team.model_copy(update={"csms": [CSM], "reviewers": [CSM]})
    clock = ManualClock(NOW)
    return HandoffQueries(
        sessions=make_session_factory(engine),
        clock=clock,
        playbook=playbook,
        roles=RoleDirectory(team=team, groups=NoGroups(), clock=clock),
    )


def plans_of(engine: Engine, lookup: Callable[[], object]) -> list[tuple[str, str]]:
    """Run ``lookup``; each SELECT it sent, with its plan as one text."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        lookup()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert sent, "the lookup sent no query"
    postgres = engine.dialect.name == "postgresql"
    plans = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in sent:
            cursor.execute(
                ("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + statement, parameters
            )
            rows = cursor.fetchall()
            plan = "\n".join(row[0] if postgres else row[-1] for row in rows)
            plans.append((statement, plan))
        raw.rollback()
    finally:
        raw.close()
    return plans


def assert_indexed(
    engine: Engine, plans: list[tuple[str, str]], *, sorts_matches: bool = False
) -> None:
    for statement, plan in plans:
        described = f"{statement}\n--- plan ---\n{plan}"
        # The fields of the (at most 15) handoffs listed come in id order: a sort of those rows.
        sorts = sorts_matches or "FROM field_values" in statement
        if engine.dialect.name == "postgresql":
            assert "Seq Scan" not in plan, described
            if not sorts:
                assert not re.search(r"\bSort\b", plan), described
        else:
            assert not re.search(r"^\s*(\|--|`--)?SCAN \w+\s*$", plan, re.M), described
            if not sorts:
                assert "TEMP B-TREE" not in plan, described


@pytest.fixture(autouse=True)
def planner_prefers_indexes(engine: Engine) -> Iterator[None]:
    # At 20,000 rows PostgreSQL may still find a sequential scan cheaper than an index; with
    # them off it shows whether an index that answers the query exists at all.
    if engine.dialect.name == "postgresql":
        listener = _session_settings
        event.listen(engine, "connect", listener)
        engine.dispose()
        yield
        event.remove(engine, "connect", listener)
        engine.dispose()
    else:
        yield


def _session_settings(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET enable_seqscan = off")
    cursor.close()
    dbapi_connection.commit()


def test_status_by_part_of_a_name_uses_the_name_index(seeded: Engine, playbook: Playbook) -> None:
    lookups = queries(seeded, playbook)
    with seeded.connect() as connection:
        name = connection.scalar(text("SELECT account_name FROM handoffs WHERE id = 4321"))
    part = name.split()[0][1:6].upper()  # "Vandelay Industries" → "ANDEL"
    plans = plans_of(seeded, lambda: lookups.lookup(part))
    assert_indexed(seeded, plans, sorts_matches=True)
    search = plans[0][1]
    if seeded.dialect.name == "postgresql":
        assert "ix_handoffs_deal_name_trgm" in search or "ix_handoffs_account_name_trgm" in search
        # Not every handoff walked newest first, filtered by name, for the ten newest matches.
        assert "ix_handoffs_recent" not in search, search
    else:
        assert "VIRTUAL TABLE" in search
    found = lookups.search(part)
    assert found and all(
        part.casefold() in (card.deal_name + (card.account_name or "")).casefold() for card in found
    )


def test_queue_overdue_and_home_read_their_indexes_in_order(
    seeded: Engine, playbook: Playbook
) -> None:
    lookups = queries(seeded, playbook)
    for lookup in (lookups.queue, lookups.overdue, lambda: lookups.home(CSM)):
        assert_indexed(seeded, plans_of(seeded, lookup))
    home = lookups.home(CSM)
    assert home.as_owner and all(row.owner_slack_id == CSM for row in home.as_owner)
    assert home.queue and all(row.owner_slack_id is None for row in home.queue)
    assert home.overdue and all(row.sla_due_at and row.sla_due_at < NOW for row in home.overdue)


def test_history_reads_one_handoffs_trail_from_its_index(
    seeded: Engine, playbook: Playbook
) -> None:
    lookups = queries(seeded, playbook)
    plans = plans_of(seeded, lambda: lookups.history(12_345))
    assert_indexed(seeded, plans)
    with seeded.connect() as connection:
        trail = connection.scalars(
            select(AuditEvent.id).where(AuditEvent.handoff_id == 12_345).order_by(AuditEvent.id)
        ).all()
    assert len(lookups.history(12_345)) == len(trail) >= 2


def test_name_search_finds_a_part_of_a_word_in_any_case_and_follows_renames(
    engine: Engine, playbook: Playbook
) -> None:
    seed(engine, 40, now=NOW)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE handoffs SET account_name = 'Vandelay Industries' WHERE id = 7")
        )
        connection.execute(
            text("UPDATE handoffs SET deal_name = 'Kramerica 100% deal' WHERE id = 9")
        )
    lookups = queries(engine, playbook)
    assert [card.handoff_id for card in lookups.search("vandel")] == [7]
    assert [card.handoff_id for card in lookups.search("LAY IND")] == [7]
    assert [card.handoff_id for card in lookups.search("100%")] == [9]
    # Two characters have no trigram: the scan still finds them.
    assert 9 in [card.handoff_id for card in lookups.search("0%")]
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE handoffs SET account_name = 'Pendant Publishing' WHERE id = 7")
        )
        connection.execute(text("DELETE FROM handoffs WHERE id = 9"))
    assert lookups.search("vandel") == []
    assert lookups.search("kramerica") == []
    assert [card.handoff_id for card in lookups.search("pendant pub")] == [7]
