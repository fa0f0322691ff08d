"""Outbox rows with states (pending, published, failed) and the broker position of each.

Revision ID: 0004_outbox_states
Revises: 0003
"""

from shared.outbox_migration import add_states_and_positions, drop_states_and_positions

revision = "0004_outbox_states"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_states_and_positions()


def downgrade() -> None:
    drop_states_and_positions()
