"""Outbox rows note when the relay read them back from the broker.

Revision ID: 0005_outbox_read_back
Revises: 0004_deliverable_view
"""

from shared.outbox_migration import add_read_back_mark, drop_read_back_mark

revision = "0005_outbox_read_back"
down_revision = "0004_deliverable_view"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_read_back_mark()


def downgrade() -> None:
    drop_read_back_mark()
