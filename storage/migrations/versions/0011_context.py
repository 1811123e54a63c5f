"""context from calls and the deal channel: sources, suggestions, stakeholders, commitments;
where a kept suggestion came from; the card's count of waiting suggestions

Revision ID: 0011
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "context_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.String(length=200), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("call", "slack", name="contextkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "origin",
            sa.Enum("api", "file", "message", name="contextorigin", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "ready",
                "downloading",
                "failed",
                "deleted",
                name="contextstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("author", sa.String(length=32), nullable=True),
        sa.Column("said_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=True),
        sa.Column("edited_ts", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("extracted_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_context_sources_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_sources")),
        sa.UniqueConstraint("origin", "external_id", name=op.f("uq_context_sources_origin")),
    )
    with op.batch_alter_table("context_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_context_sources_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_context_sources_handoff_id"), ["handoff_id"], unique=False
        )
        batch_op.create_index("ix_context_sources_said_at", ["said_at"], unique=False)
        batch_op.create_index(
            "ix_context_sources_message", ["channel_id", "message_ts"], unique=False
        )

    op.create_table(
        "context_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_context_commitments_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["context_sources.id"],
            name=op.f("fk_context_commitments_source_id_context_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_commitments")),
    )
    with op.batch_alter_table("context_commitments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_context_commitments_handoff_id"), ["handoff_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_context_commitments_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "context_stakeholders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_context_stakeholders_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["context_sources.id"],
            name=op.f("fk_context_stakeholders_source_id_context_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_stakeholders")),
    )
    with op.batch_alter_table("context_stakeholders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_context_stakeholders_handoff_id"), ["handoff_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_context_stakeholders_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "context_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("field_key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_key", sa.String(length=64), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("speaker", sa.String(length=200), nullable=True),
        sa.Column("at", sa.String(length=8), nullable=True),
        sa.Column("extractor", sa.String(length=16), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "kept",
                "dismissed",
                name="suggestionstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_context_suggestions_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["context_sources.id"],
            name=op.f("fk_context_suggestions_source_id_context_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_suggestions")),
        sa.UniqueConstraint(
            "handoff_id",
            "source_id",
            "field_key",
            "value_key",
            name=op.f("uq_context_suggestions_handoff_id"),
        ),
    )
    with op.batch_alter_table("context_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_context_suggestions_source_id"), ["source_id"], unique=False
        )
        batch_op.create_index(
            "ix_context_suggestions_waiting", ["handoff_id", "status"], unique=False
        )

    with op.batch_alter_table("field_values", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suggested_from", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("suggested_quote", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("suggestion_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_field_values_suggestion_id_context_suggestions"),
            "context_suggestions",
            ["suggestion_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suggestions_waiting", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index("ix_handoffs_channel_id", ["channel_id"], unique=False)
        batch_op.create_index(
            "ix_handoffs_requested_channel_id", ["requested_channel_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index("ix_handoffs_requested_channel_id")
        batch_op.drop_index("ix_handoffs_channel_id")
        batch_op.drop_column("suggestions_waiting")

    with op.batch_alter_table("field_values", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_field_values_suggestion_id_context_suggestions"), type_="foreignkey"
        )
        batch_op.drop_column("suggestion_id")
        batch_op.drop_column("suggested_quote")
        batch_op.drop_column("suggested_from")

    with op.batch_alter_table("context_suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_context_suggestions_waiting")
        batch_op.drop_index(batch_op.f("ix_context_suggestions_source_id"))

    op.drop_table("context_suggestions")
    with op.batch_alter_table("context_stakeholders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_context_stakeholders_source_id"))
        batch_op.drop_index(batch_op.f("ix_context_stakeholders_handoff_id"))

    op.drop_table("context_stakeholders")
    with op.batch_alter_table("context_commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_context_commitments_source_id"))
        batch_op.drop_index(batch_op.f("ix_context_commitments_handoff_id"))

    op.drop_table("context_commitments")
    with op.batch_alter_table("context_sources", schema=None) as batch_op:
        batch_op.drop_index("ix_context_sources_message")
        batch_op.drop_index("ix_context_sources_said_at")
        batch_op.drop_index(batch_op.f("ix_context_sources_handoff_id"))
        batch_op.drop_index(batch_op.f("ix_context_sources_deal_id"))

    op.drop_table("context_sources")
