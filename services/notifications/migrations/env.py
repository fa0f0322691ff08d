"""Alembic environment for the notifications database (its own tables plus the shared inbox)."""

import shared.inbox  # noqa: F401  (registers inbox_message)
from services.notifications.tables import NotificationsTable
from shared.migrations import run_service_migrations

run_service_migrations(NotificationsTable.metadata, shared_tables=frozenset({"inbox_message"}))
