"""Alembic environment for the deliverables database (its own tables plus the shared outbox)."""

import services.deliverables.adapters.tables  # noqa: F401  (registers every deliverables table)
import shared.identity_replay  # registers forwarded_identity_seen
import shared.outbox  # noqa: F401  (registers outbox_message)
from services.deliverables.adapters.tables import DeliverablesTable
from shared.migrations import run_service_migrations

run_service_migrations(
    DeliverablesTable.metadata,
    shared_tables=frozenset({"outbox_message", "forwarded_identity_seen"}),
    unmanaged_prefixes=("deliverable_search",),  # the full-text index, created by hand
)
