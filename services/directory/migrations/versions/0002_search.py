"""Search done by the database: FTS5 (SQLite) or tsvector + pg_trgm (PostgreSQL).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE = [
    """CREATE TABLE service_document (
        id INTEGER PRIMARY KEY,
        service_id VARCHAR(36) NOT NULL UNIQUE REFERENCES service(id),
        name TEXT NOT NULL DEFAULT '',
        keywords TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '')""",
    """CREATE VIRTUAL TABLE service_fts USING fts5(
        name, keywords, body, content='service_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER service_document_ai AFTER INSERT ON service_document BEGIN
        INSERT INTO service_fts(rowid, name, keywords, body)
        VALUES (new.id, new.name, new.keywords, new.body);
    END""",
    """CREATE TRIGGER service_document_ad AFTER DELETE ON service_document BEGIN
        INSERT INTO service_fts(service_fts, rowid, name, keywords, body)
        VALUES ('delete', old.id, old.name, old.keywords, old.body);
    END""",
    """CREATE TRIGGER service_document_au AFTER UPDATE ON service_document BEGIN
        INSERT INTO service_fts(service_fts, rowid, name, keywords, body)
        VALUES ('delete', old.id, old.name, old.keywords, old.body);
        INSERT INTO service_fts(rowid, name, keywords, body)
        VALUES (new.id, new.name, new.keywords, new.body);
    END""",
    "CREATE TABLE search_word (word TEXT PRIMARY KEY)",
    """CREATE VIRTUAL TABLE search_word_trigram USING fts5(
        word, content='search_word', tokenize='trigram')""",
    """CREATE TRIGGER search_word_ai AFTER INSERT ON search_word BEGIN
        INSERT INTO search_word_trigram(rowid, word) VALUES (new.rowid, new.word);
    END""",
]

_POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE service_document (
        id SERIAL PRIMARY KEY,
        service_id VARCHAR(36) NOT NULL UNIQUE REFERENCES service(id),
        name TEXT NOT NULL DEFAULT '',
        keywords TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        document TSVECTOR GENERATED ALWAYS AS (
            setweight(to_tsvector('english', name), 'A')
            || setweight(to_tsvector('english', keywords), 'B')
            || setweight(to_tsvector('english', body), 'C')) STORED)""",
    "CREATE INDEX ix_service_document_document ON service_document USING gin (document)",
    "CREATE INDEX ix_service_document_name_trgm ON service_document USING gin (name gin_trgm_ops)",
    "CREATE TABLE search_word (word TEXT PRIMARY KEY)",
    "CREATE INDEX ix_search_word_trgm ON search_word USING gin (word gin_trgm_ops)",
]

_COMMON = [
    "CREATE INDEX ix_service_last_reviewed_at ON service (last_reviewed_at)",
    "CREATE INDEX ix_service_updated_at ON service (updated_at)",
    "CREATE INDEX ix_schedule_byday ON schedule (byday)",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in (_POSTGRES if dialect == "postgresql" else _SQLITE) + _COMMON:
        op.execute(statement)


def downgrade() -> None:
    for name in ("ix_schedule_byday", "ix_service_updated_at", "ix_service_last_reviewed_at"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE IF EXISTS search_word_trigram")
        op.execute("DROP TABLE IF EXISTS service_fts")
    op.execute("DROP TABLE IF EXISTS search_word")
    op.execute("DROP TABLE IF EXISTS service_document")
