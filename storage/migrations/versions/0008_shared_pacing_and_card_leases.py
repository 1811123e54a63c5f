"""card leases carry their holder; channel pacing is shared across replicas; card permalinks

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# What the relay used to store when it merely waited for a channel's turn: not a failure.
PACING_ERROR = "pacing posts to this channel"


def upgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card_lease_token", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("card_slot_at", storage.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("card_permalink", sa.String(length=500), nullable=True))
    op.create_table(
        "channel_pace",
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("next_slot_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_post_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_pace")),
    )
    handoffs = sa.table(
        "handoffs",
        sa.column("card_error", sa.Text),
        sa.column("card_attempts", sa.Integer),
    )
    op.execute(
        handoffs.update()
        .where(handoffs.c.card_error == PACING_ERROR)
        .values(card_error=None, card_attempts=0)
    )


def downgrade() -> None:
    op.drop_table("channel_pace")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_column("card_permalink")
        batch_op.drop_column("card_slot_at")
        batch_op.drop_column("card_lease_token")
