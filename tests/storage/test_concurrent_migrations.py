"""Replicas starting together each migrate the same database: one does it, none crashes.

Real processes (Alembic's environment is process-global): each imports everything, says it
is ready, and all are released at the same moment.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from storage import name_search
from storage.models import Base

ROOT = Path(__file__).resolve().parents[2]
REPLICAS = 4
REPLICA = """
import json, sys
from storage.db import make_engine
from storage.migrate import upgrade
url, connect_args = json.loads(sys.argv[1])
engine = make_engine(url, **({"connect_args": connect_args} if connect_args else {}))
print("ready", flush=True)
sys.stdin.readline()
upgrade(engine)
print("migrated", flush=True)
"""


def connection_of(engine: Engine) -> tuple[str, dict[str, object]]:
    """How another process reaches the database (and PostgreSQL schema) of ``engine``."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "sqlite":
        return url, {}
    with engine.connect() as connection:
        schema = connection.execute(text("SHOW search_path")).scalar_one()
    return url, {"options": f"-csearch_path={schema}"}


def test_replicas_starting_together_all_come_up_on_the_current_schema(
    unmigrated_database: Engine,
) -> None:
    argument = json.dumps(connection_of(unmigrated_database))
    replicas = [
        subprocess.Popen(
            [sys.executable, "-c", REPLICA, argument],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(REPLICAS)
    ]
    for replica in replicas:
        assert replica.stdout is not None and replica.stdout.readline().strip() == "ready"
    for replica in replicas:  # go, all at once
        assert replica.stdin is not None
        replica.stdin.write("\n")
        replica.stdin.flush()
    outcomes = [replica.communicate(timeout=120) for replica in replicas]
    for replica, (out, err) in zip(replicas, outcomes, strict=True):
        assert replica.returncode == 0, err
        assert "migrated" in out
    with unmigrated_database.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": name_search.modelled}
        )
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == head_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()  # type: ignore[arg-type]


def test_all_migrations_apply_in_one_transaction(unmigrated_database: Engine) -> None:
    """What serializes replicas is the one transaction (and, on SQLite, the write lock it takes
    at BEGIN): a commit between two migrations would let another replica read the version
    table half way and apply the rest a second time."""
    from sqlalchemy import event

    from storage.migrate import upgrade

    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(unmigrated_database, "commit", committed)
    try:
        upgrade(unmigrated_database)
    finally:
        event.remove(unmigrated_database, "commit", committed)
    assert len(commits) == 1
