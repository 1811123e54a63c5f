"""the brief as the deal channel's canvas: one row per handoff (canvas, section, lease)

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brief_canvases",
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.Column("canvas_id", sa.String(length=32), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("rendered_hash", sa.String(length=64), nullable=True),
        sa.Column("next_attempt_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("lease_until", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("updated_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_brief_canvases_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("handoff_id", name=op.f("pk_brief_canvases")),
    )
    op.create_index(
        "ix_brief_canvases_due", "brief_canvases", ["dirty", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_brief_canvases_due", table_name="brief_canvases")
    op.drop_table("brief_canvases")
