"""lookups at 100,000 handoffs: partial and composite indexes for /handoff and the App Home,
the name index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL), a handoff's trail in order,
and the day each kind of nudge last went out

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from storage import name_search

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_LIVE = "status IN ('upcoming', 'held', 'open')"
_OWNED = "status IN ('upcoming', 'held', 'open', 'ready')"
_SLA_RUNNING = "status IN ('held', 'open')"
_QUEUE = f"owner_slack_id IS NULL AND {_LIVE}"
_AWAITING = "owner_slack_id IS NOT NULL AND status IN ('open')"

_PARTIAL = (
    ("ix_handoffs_queue", ["sla_due_at", "id"], _QUEUE),
    ("ix_handoffs_awaiting_review", ["sla_due_at", "id"], _AWAITING),
    ("ix_handoffs_sla_running", ["sla_due_at", "id"], _SLA_RUNNING),
    ("ix_handoffs_ae_live", ["ae_slack_id", "updated_at"], _LIVE),
    ("ix_handoffs_owner_current", ["owner_slack_id", "updated_at"], _OWNED),
)


def _where(sql: str) -> dict[str, Any]:
    return {"sqlite_where": sa.text(sql), "postgresql_where": sa.text(sql)}


def upgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nudged_on", sa.JSON(), nullable=True))
    for name, columns, where in _PARTIAL:
        op.create_index(name, "handoffs", columns, unique=False, **_where(where))
    op.create_index("ix_handoffs_recent", "handoffs", ["updated_at", "id"])
    op.create_index("ix_audit_events_handoff_id_id", "audit_events", ["handoff_id", "id"])
    op.drop_index("ix_audit_events_handoff_id", table_name="audit_events")
    _remember_todays_nudges()
    name_search.install(op.get_bind())


def _remember_todays_nudges() -> None:
    """Carry each handoff's latest nudge day per kind over from the audit trail, so that the
    upgrade never sends a second nudge on a day one already went out."""
    audit = sa.table(
        "audit_events",
        sa.column("handoff_id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("detail", sa.JSON),
    )
    handoffs = sa.table("handoffs", sa.column("id", sa.Integer), sa.column("nudged_on", sa.JSON))
    bind = op.get_bind()
    latest: dict[int, dict[str, str]] = {}
    for handoff_id, detail in bind.execute(
        sa.select(audit.c.handoff_id, audit.c.detail).where(audit.c.action == "nudged")
    ):
        kind, day = (detail or {}).get("kind"), (detail or {}).get("day")
        if kind and day and day > latest.setdefault(handoff_id, {}).get(kind, ""):
            latest[handoff_id][kind] = day
    for handoff_id, days in latest.items():
        bind.execute(handoffs.update().where(handoffs.c.id == handoff_id).values(nudged_on=days))


def downgrade() -> None:
    name_search.uninstall(op.get_bind())
    op.create_index("ix_audit_events_handoff_id", "audit_events", ["handoff_id"])
    op.drop_index("ix_audit_events_handoff_id_id", table_name="audit_events")
    op.drop_index("ix_handoffs_recent", table_name="handoffs")
    for name, _, _ in _PARTIAL:
        op.drop_index(name, table_name="handoffs")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_column("nudged_on")
