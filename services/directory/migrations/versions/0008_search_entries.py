"""Search rows keyed by the text index's integer id: a narrow entry row and facet postings.

A search page used to join every text match to the wide ``service`` row (by a 36-character id)
and number the whole match set with a window; facets grouped ``service_facet`` by that same text
id. Now ``search_entry`` holds per entry only what ranking and filtering read (name, live,
reviewed_at) under the same integer id as ``service_document`` (the FTS5 rowid), and
``search_facet`` holds each entry's facet values by that id, with ``live`` so that counting over
every live entry reads one index and nothing else. Both are written with the read model
(``services.directory.adapters.read_model.store_views``); this revision fills them from the rows
that exist and drops ``service_facet``.

Revision ID: 0008_search_entries
Revises: 0007_read_model_version
"""

from alembic import op

revision = "0008_search_entries"
down_revision = "0007_read_model_version"
branch_labels = None
depends_on = None

_TABLES = [
    """CREATE TABLE search_entry (
        id INTEGER PRIMARY KEY REFERENCES service_document(id),
        service_id VARCHAR(36) NOT NULL UNIQUE REFERENCES service(id),
        name TEXT NOT NULL,
        live BOOLEAN NOT NULL,
        reviewed_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE search_facet (
        doc_id INTEGER NOT NULL REFERENCES search_entry(id),
        facet_value_id INTEGER NOT NULL REFERENCES facet_value(id),
        facet VARCHAR(20) NOT NULL,
        live BOOLEAN NOT NULL,
        PRIMARY KEY (doc_id, facet_value_id)){without_rowid}""",
    # Entries with a value (a filter); every live entry's values of one facet (counting).
    "CREATE INDEX ix_search_facet_value ON search_facet (facet_value_id, doc_id)",
    "CREATE INDEX ix_search_facet_counting ON search_facet (facet, live, facet_value_id)",
    """INSERT INTO search_entry (id, service_id, name, live, reviewed_at)
        SELECT d.id, s.id, s.name, s.withdrawn_at IS NULL, s.last_reviewed_at
        FROM service_document AS d JOIN service AS s ON s.id = d.service_id""",
    """INSERT INTO search_facet (doc_id, facet_value_id, facet, live)
        SELECT e.id, f.facet_value_id, f.facet, e.live
        FROM service_facet AS f JOIN search_entry AS e ON e.service_id = f.service_id""",
    "DROP TABLE service_facet",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _TABLES:
        op.execute(statement.format(without_rowid=" WITHOUT ROWID" if sqlite else ""))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(
        """CREATE TABLE service_facet (
        service_id VARCHAR(36) NOT NULL REFERENCES service(id),
        facet_value_id INTEGER NOT NULL REFERENCES facet_value(id),
        facet VARCHAR(20) NOT NULL,
        PRIMARY KEY (service_id, facet_value_id)){}""".format(" WITHOUT ROWID" if sqlite else "")
    )
    op.execute("CREATE INDEX ix_service_facet_value ON service_facet (facet_value_id, service_id)")
    op.execute(
        "INSERT INTO service_facet (service_id, facet_value_id, facet) SELECT e.service_id, "
        "f.facet_value_id, f.facet FROM search_facet AS f JOIN search_entry AS e ON e.id = f.doc_id"
    )
    op.execute("DROP TABLE search_facet")
    op.execute("DROP TABLE search_entry")
