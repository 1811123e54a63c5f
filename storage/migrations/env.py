"""Alembic environment: runs against the engine handed over by storage.migrate.

Replicas may start together, each applying migrations: on PostgreSQL the first takes an
advisory lock inside the migration transaction and the others wait for it, then find the
schema current; on SQLite the one transaction begins IMMEDIATE (storage.db), which serializes
them the same way.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from storage.models import Base
from storage.name_search import modelled

# Any constant shared by every Handoff process: "Handoff" in ASCII.
MIGRATION_LOCK = 0x48616E646F6666

engine = context.config.attributes["engine"]
# One transaction around every migration, opened here: Alembic then treats it as the caller's
# and never commits between migrations. On SQLite (whose DDL Alembic would otherwise run
# migration by migration, committing each) that keeps the write lock taken at BEGIN IMMEDIATE
# until the last one is applied, so a second replica reads the version table only after.
with engine.connect() as connection, connection.begin():
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=modelled,
    )
    with context.begin_transaction():
        context.run_migrations()
