"""Outbox rows with states (pending, published, failed) and the broker position of each.

Revision ID: 0002_outbox_states
Revises: 0001
"""

from shared.outbox_migration import add_states_and_positions, drop_states_and_positions

revision = "0002_outbox_states"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_states_and_positions()


def downgrade() -> None:
    drop_states_and_positions()
