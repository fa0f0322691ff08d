"""Directory search, done by the database: SQLite FTS5 or PostgreSQL tsvector + pg_trgm."""
