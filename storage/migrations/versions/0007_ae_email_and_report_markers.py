"""the AE's email is named for it; report markers get their own table

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REPORT_MARKERS = ("report.weekly", "audit.quarterly")


def upgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.alter_column("owner_email", new_column_name="ae_email")
    markers = op.create_table(
        "report_markers",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("period_start", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_report_markers")),
    )
    cursors = sa.table(
        "crm_cursors",
        sa.column("name", sa.String),
        sa.column("position", storage.models.UtcDateTime(timezone=True)),
        sa.column("updated_at", storage.models.UtcDateTime(timezone=True)),
    )
    moved = sa.select(cursors.c.name, cursors.c.position, cursors.c.updated_at).where(
        cursors.c.name.in_(REPORT_MARKERS)
    )
    op.execute(markers.insert().from_select(["name", "period_start", "updated_at"], moved))
    op.execute(cursors.delete().where(cursors.c.name.in_(REPORT_MARKERS)))


def downgrade() -> None:
    markers = sa.table(
        "report_markers",
        sa.column("name", sa.String),
        sa.column("period_start", storage.models.UtcDateTime(timezone=True)),
        sa.column("updated_at", storage.models.UtcDateTime(timezone=True)),
    )
    cursors = sa.table(
        "crm_cursors",
        sa.column("name", sa.String),
        sa.column("position", storage.models.UtcDateTime(timezone=True)),
        sa.column("updated_at", storage.models.UtcDateTime(timezone=True)),
    )
    op.execute(
        cursors.insert().from_select(
            ["name", "position", "updated_at"],
            sa.select(markers.c.name, markers.c.period_start, markers.c.updated_at),
        )
    )
    op.drop_table("report_markers")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.alter_column("ae_email", new_column_name="owner_email")
