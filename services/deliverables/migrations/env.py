"""Alembic environment for the deliverables database (its own tables plus the shared outbox)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import services.deliverables.models  # noqa: F401  (registers every deliverables table)
import shared.outbox  # noqa: F401  (registers outbox_message)
from services.deliverables.models import DeliverablesTable
from shared.db import make_engine

target_metadata = [DeliverablesTable.metadata, SQLModel.metadata]
_SHARED_TABLES_USED = {"outbox_message"}


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Leave out shared tables this service does not use (the inbox), and the search index."""
    if type_ == "table" and name.startswith("deliverable_search"):
        return False
    if type_ == "table" and obj is not None and obj.metadata is SQLModel.metadata:
        return name in _SHARED_TABLES_USED
    return True


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
