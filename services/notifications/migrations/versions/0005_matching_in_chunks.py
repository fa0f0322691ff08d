"""Matching in chunks: the event's keyset position, and an index that serves each target's range.

Revision ID: 0005_matching
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_matching"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("received_event") as batch:
        batch.add_column(
            sa.Column("matching_after", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("matched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    # Events received before chunking were recorded whole, in one transaction.
    op.execute("UPDATE received_event SET matched_at = received_at")
    with op.batch_alter_table("subscription") as batch:
        batch.drop_index("ix_subscription_target")
        batch.create_index(
            "ix_subscription_match",
            ["target_kind", "target_value", "status", "subscriber_id"],
            unique=False,
            postgresql_include=["transition", "frequency"],
        )


def downgrade() -> None:
    with op.batch_alter_table("subscription") as batch:
        batch.drop_index("ix_subscription_match")
        batch.create_index(
            "ix_subscription_target", ["target_kind", "target_value", "status"], unique=False
        )
    with op.batch_alter_table("received_event") as batch:
        batch.drop_column("matched_at")
        batch.drop_column("matching_after")
