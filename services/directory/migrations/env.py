"""Alembic environment for the directory database (its own tables plus the shared outbox)."""

import services.directory.adapters.tables  # noqa: F401  (registers every directory table)
import shared.identity_replay  # registers forwarded_identity_seen
import shared.outbox  # noqa: F401  (registers outbox_message)
from services.directory.adapters.tables import DirectoryTable
from shared.migrations import run_service_migrations

run_service_migrations(
    DirectoryTable.metadata, shared_tables=frozenset({"outbox_message", "forwarded_identity_seen"})
)
