"""Forwarded identities already accepted (each is good once), kept until they expire.

Revision ID: 0006
Revises: 0005_read_model
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005_read_model"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forwarded_identity_seen",
        sa.Column("token_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("token_id"),
    )
    with op.batch_alter_table("forwarded_identity_seen", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forwarded_identity_seen_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("forwarded_identity_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forwarded_identity_seen_expires_at"))
    op.drop_table("forwarded_identity_seen")
