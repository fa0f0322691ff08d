"""Schema steps for ``read_model_version`` (``shared.page_cache``), run by a service's migration.

Kept here so every service with a read model keeps its version the same way.
"""

from __future__ import annotations

from alembic import op


def create_version_table() -> None:
    """One row holding the read model's version, raised by every rebuild."""
    op.execute("CREATE TABLE read_model_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)")
    op.execute("INSERT INTO read_model_version (id, version) VALUES (1, 0)")


def drop_version_table() -> None:
    op.execute("DROP TABLE read_model_version")
