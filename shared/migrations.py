"""The Alembic environment every service's ``migrations/env.py`` runs."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData
from sqlmodel import SQLModel

from shared.db import make_engine


def run_service_migrations(
    service_metadata: MetaData,
    *,
    shared_tables: frozenset[str] = frozenset(),
    unmanaged_prefixes: tuple[str, ...] = (),
) -> None:
    """Migrate ``sqlalchemy.url``; autogenerate sees the service's tables and its shared ones.

    ``shared_tables`` names tables of the default ``SQLModel.metadata`` (``outbox_message``,
    ``inbox_message``) this service keeps; ``unmanaged_prefixes`` are tables that migrations
    create by hand (e.g. a full-text index) and autogenerate must leave alone.
    """

    def include_object(
        _obj: object, name: str | None, type_: str, _reflected: bool, _compare_to: object
    ) -> bool:
        if type_ != "table" or name is None:
            return True
        if unmanaged_prefixes and name.startswith(unmanaged_prefixes):
            return False
        return name in service_metadata.tables or name in shared_tables

    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set: migrate with shared.db.upgrade_database")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=[service_metadata, SQLModel.metadata],
                include_object=include_object,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
