"""Alembic environment for the gateway database (accounts only)."""

from services.gateway.adapters.tables import GatewayTable
from shared.migrations import run_service_migrations

run_service_migrations(GatewayTable.metadata)
