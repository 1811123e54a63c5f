"""outbox rows name the CRM that delivers them

Revision ID: 0010
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("crm", sa.String(length=32), nullable=True))
    outbox = sa.table(
        "outbox",
        sa.column("kind", sa.String),
        sa.column("handoff_id", sa.Integer),
        sa.column("crm", sa.String),
    )
    handoffs = sa.table("handoffs", sa.column("id", sa.Integer), sa.column("crm", sa.String))
    # Write-backs and tasks go to the CRM their handoff came from; refreshes were Salesforce's.
    owner = sa.select(handoffs.c.crm).where(handoffs.c.id == outbox.c.handoff_id).scalar_subquery()
    op.execute(outbox.update().where(outbox.c.kind.in_(("crm_sync", "crm_task"))).values(crm=owner))
    op.execute(outbox.update().where(outbox.c.kind == "crm_refresh").values(crm="salesforce"))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("crm")
