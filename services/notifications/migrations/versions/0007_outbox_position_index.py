"""Outbox rows are found by where the broker put them (topic, partition, offset).

Revision ID: 0007_outbox_position
Revises: 0006_outbox_read_back
"""

from shared.outbox_migration import add_position_index, drop_position_index

revision = "0007_outbox_position"
down_revision = "0006_outbox_read_back"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_position_index()


def downgrade() -> None:
    drop_position_index()
