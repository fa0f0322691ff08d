"""The read model: each deliverable's finished view, and the version that ends kept answers.

``deliverable_view`` holds one row per deliverable (its view as JSON), rebuilt in the transaction
of every write (``adapters/read_model.py``); ``read_model_version`` is raised with each rebuild so
every process's page cache recomputes (``shared/page_cache.py``). Deliverables already in the
database get their views at start-up (``wiring.prepare_database``).

Revision ID: 0004_deliverable_view
Revises: 0003
"""

from alembic import op

from shared.read_model_migration import create_version_table, drop_version_table

revision = "0004_deliverable_view"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE deliverable_view (number INTEGER PRIMARY KEY, view TEXT NOT NULL)")
    create_version_table()


def downgrade() -> None:
    drop_version_table()
    op.execute("DROP TABLE deliverable_view")
