"""Alembic environment for the notifications database (its own tables, the shared inbox and the
shared outbox its EmailDelivered / EmailFailed events go through)."""

import shared.inbox
import shared.outbox  # noqa: F401  (registers outbox_message)
from services.notifications.tables import NotificationsTable
from shared.migrations import run_service_migrations

run_service_migrations(
    NotificationsTable.metadata, shared_tables=frozenset({"inbox_message", "outbox_message"})
)
