"""A version number for the read model, raised in the same transaction as every rebuild.

Each process may keep answers to repeated searches while the number stays the same, so a write in
any process (or replica) makes every other process recompute (``shared/page_cache.py``).

Revision ID: 0007_read_model_version
Revises: 0006
"""

from shared.read_model_migration import create_version_table, drop_version_table

revision = "0007_read_model_version"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_version_table()


def downgrade() -> None:
    drop_version_table()
