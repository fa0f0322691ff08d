"""The read model: each entry's assembled view (JSON) and its facet values, one row each.

Rebuilt in the same transaction as every write (``services.directory.adapters.read_model``), so a search
page is one query and facets are counted in one. Rows for entries written before this revision
are filled in at start-up (``rebuild_missing_read_models``).

Revision ID: 0005_read_model
Revises: 0004_outbox_states
"""

from alembic import op

revision = "0005_read_model"
down_revision = "0004_outbox_states"
branch_labels = None
depends_on = None

# Facet values get small integer ids: counting groups by an integer, not by three text columns.
_TABLES = [
    """CREATE TABLE service_view (
        service_id VARCHAR(36) PRIMARY KEY REFERENCES service(id),
        view TEXT NOT NULL)""",
    """CREATE TABLE facet_value (
        id {serial} PRIMARY KEY,
        facet VARCHAR(20) NOT NULL,
        value VARCHAR(100) NOT NULL,
        label TEXT NOT NULL,
        UNIQUE (facet, value))""",
    """CREATE TABLE service_facet (
        service_id VARCHAR(36) NOT NULL REFERENCES service(id),
        facet_value_id INTEGER NOT NULL REFERENCES facet_value(id),
        facet VARCHAR(20) NOT NULL,
        PRIMARY KEY (service_id, facet_value_id)){without_rowid}""",
    "CREATE INDEX ix_service_facet_value ON service_facet (facet_value_id, service_id)",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _TABLES:
        op.execute(
            statement.format(
                serial="INTEGER" if sqlite else "SERIAL",
                without_rowid=" WITHOUT ROWID" if sqlite else "",
            )
        )


def downgrade() -> None:
    for name in ("service_facet", "facet_value", "service_view"):
        op.execute(f"DROP TABLE {name}")
