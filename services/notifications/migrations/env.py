"""Alembic environment for the notifications database (its own tables + the shared inbox)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import shared.inbox  # noqa: F401  (registers InboxMessage in SQLModel.metadata)
from services.notifications.tables import NotificationsTable

config = context.config
target_metadata = [NotificationsTable.metadata, SQLModel.metadata]
SHARED_TABLES_USED = {"inbox_message"}


def include_object(obj: object, name: str | None, type_: str, *_: object) -> bool:
    """Of the shared tables, only the inbox belongs in this database."""
    if type_ == "table" and name not in NotificationsTable.metadata.tables:
        return name in SHARED_TABLES_USED
    return True


def run_migrations() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_object=include_object,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
