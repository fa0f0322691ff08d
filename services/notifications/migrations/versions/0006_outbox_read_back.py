"""Outbox rows note when the relay read them back from the broker.

Revision ID: 0006_outbox_read_back
Revises: 0005_matching
"""

from shared.outbox_migration import add_read_back_mark, drop_read_back_mark

revision = "0006_outbox_read_back"
down_revision = "0005_matching"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_read_back_mark()


def downgrade() -> None:
    drop_read_back_mark()
