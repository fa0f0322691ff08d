"""A version number for the read model, raised in the same transaction as every rebuild.

Each process may keep answers to repeated searches while the number stays the same, so a write in
any process (or replica) makes every other process recompute (``search/page_cache.py``).

Revision ID: 0007_read_model_version
Revises: 0006
"""

from alembic import op

revision = "0007_read_model_version"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE read_model_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)"
    )
    op.execute("INSERT INTO read_model_version (id, version) VALUES (1, 0)")


def downgrade() -> None:
    op.execute("DROP TABLE read_model_version")
