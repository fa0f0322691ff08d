"""Outbox rows note when the relay read them back from the broker.

Revision ID: 0009_outbox_read_back
Revises: 0008_search_entries
"""

from shared.outbox_migration import add_read_back_mark, drop_read_back_mark

revision = "0009_outbox_read_back"
down_revision = "0008_search_entries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_read_back_mark()


def downgrade() -> None:
    drop_read_back_mark()
