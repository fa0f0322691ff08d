"""The one place where the service's parts are built and connected."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from services.deliverables.adapters.seed.facts import seed_if_empty
from services.deliverables.settings import DeliverablesSettings
from shared.db import make_engine, upgrade_database

MIGRATIONS = Path(__file__).parent / "migrations"


def prepare_database(settings: DeliverablesSettings) -> Engine:
    """Migrate the database to the newest revision and seed it if asked and empty."""
    upgrade_database(settings.database_url, MIGRATIONS)
    engine = make_engine(settings.database_url)
    if settings.seed_on_start:
        seed_if_empty(engine)
    return engine
