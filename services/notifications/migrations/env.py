"""Alembic environment for the notifications database (its own tables, the shared inbox, the
shared outbox its EmailDelivered / EmailFailed events go through, and the forwarded identities
its operator routes have accepted)."""

import shared.identity_replay
import shared.inbox
import shared.outbox  # noqa: F401  (registers outbox_message)
from services.notifications.adapters.tables import NotificationsTable
from shared.migrations import run_service_migrations

run_service_migrations(
    NotificationsTable.metadata,
    shared_tables=frozenset({"inbox_message", "outbox_message", "forwarded_identity_seen"}),
)
