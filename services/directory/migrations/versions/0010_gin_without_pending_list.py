"""PostgreSQL's GIN indexes of the search take each write at once (``fastupdate = off``).

With ``fastupdate`` on (PostgreSQL's default), new entries wait in the index's pending list until
VACUUM or 4 MB of them; every search reads that whole list beside the index, and while it is long
the planner scans every document instead. After loading 10,000 entries the text search took 25 ms
instead of 14 (bench/directory_search.py). Directory writes are an editor's change at a time, so
the search gives up nothing for them. SQLite's FTS5 indexes have no such list: nothing to do there.

Revision ID: 0010_gin_without_pending_list
Revises: 0009_outbox_read_back
"""

from alembic import op

revision = "0010_gin_without_pending_list"
down_revision = "0009_outbox_read_back"
branch_labels = None
depends_on = None

_GIN_INDEXES = (
    "ix_service_document_document",
    "ix_service_document_name_trgm",
    "ix_search_word_trgm",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in _GIN_INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in _GIN_INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")
