"""the commitments ledger: each promise made in the sale, owned, dated, tracked

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("promised_by", sa.String(length=200), nullable=True),
        sa.Column("promised_to", sa.String(length=200), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "confirmed",
                "delivered",
                "dropped",
                "at_risk",
                name="commitmentstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("drop_reason", sa.Text(), nullable=True),
        sa.Column("owner_slack_id", sa.String(length=32), nullable=True),
        sa.Column(
            "source_kind",
            sa.Enum("extracted", "entered", name="commitmentsource", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("source_quote", sa.Text(), nullable=True),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("finding_key", sa.String(length=64), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.String(length=32), nullable=True),
        sa.Column("delivered_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("overdue_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("crm_task_id", sa.String(length=64), nullable=True),
        sa.Column("feedback", sa.String(length=32), nullable=True),
        sa.Column("feedback_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["context_sources.id"],
            name=op.f("fk_commitments_source_id_context_sources"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_commitments_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
        sa.UniqueConstraint("handoff_id", "finding_key", name=op.f("uq_commitments_handoff_id")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index("ix_commitments_status_due", ["status", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitments_handoff_id"), ["handoff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitments_source_id"), ["source_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_source_id"))
        batch_op.drop_index(batch_op.f("ix_commitments_handoff_id"))
        batch_op.drop_index("ix_commitments_status_due")

    op.drop_table("commitments")
