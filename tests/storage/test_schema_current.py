"""Start-up knows the schema is current without loading Alembic, and never wrongly (#10)."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from storage.migrate import alembic_config, is_current, script_heads, upgrade


def test_the_heads_read_from_the_files_are_alembics(unmigrated_database: Engine) -> None:
    alembic = ScriptDirectory.from_config(alembic_config(unmigrated_database))
    assert script_heads() == frozenset(alembic.get_heads())


def test_only_a_database_at_the_head_is_current(unmigrated_database: Engine) -> None:
    assert not is_current(unmigrated_database)  # no tables at all
    [head] = script_heads() or ()
    previous = ScriptDirectory.from_config(alembic_config(unmigrated_database)).get_revision(head)
    upgrade(unmigrated_database, str(previous.down_revision))
    assert not is_current(unmigrated_database)  # one migration behind
    upgrade(unmigrated_database)
    assert is_current(unmigrated_database)
