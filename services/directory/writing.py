"""One write transaction that serialises concurrent writers on SQLite as well as PostgreSQL.

pysqlite starts its transaction only at the first INSERT/UPDATE, so reads made before that see
no snapshot and two concurrent changes could both start from the same old value (a lost update).
``BEGIN IMMEDIATE`` takes SQLite's write lock up front; PostgreSQL rows are locked with
``SELECT ... FOR UPDATE`` where a use case reads what it then changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session

from shared.db import transaction


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Session]:
    with transaction(engine) as session:
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session
