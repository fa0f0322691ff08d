"""The one place where the service's parts are built and connected."""

from __future__ import annotations

from pathlib import Path

import structlog
from sqlalchemy import Engine

from services.directory.adapters.read_model import rebuild_missing_read_models
from services.directory.adapters.seed.load import seed_reference_data, seed_sample_services
from services.directory.events import SERVICE_TOPIC
from services.directory.settings import DirectorySettings
from shared.db import make_engine, upgrade_database
from shared.outbox import OutboxRelay
from shared.outbox_wiring import build_relay
from shared.settings import CommonSettings

log = structlog.get_logger()


MIGRATIONS = Path(__file__).parent / "migrations"
# A search is a few small statements; PostgreSQL's parallel workers cost more to start than they
# save there (a facet count went from 9.3 to about 4 ms without them: bench/directory_search.py).
POSTGRES_SETTINGS = {"max_parallel_workers_per_gather": "0"}


def open_engine(settings: DirectorySettings) -> Engine:
    """The directory's engine, the same wherever it is opened."""
    return make_engine(settings.database_url, postgres_settings=POSTGRES_SETTINGS)


def prepare_database(settings: DirectorySettings) -> None:
    """Migrate, load facts and the sample into an empty database, fill in missing read models."""
    upgrade_database(settings.database_url, MIGRATIONS)
    engine = open_engine(settings)
    try:
        if settings.seed_on_start:
            seed_reference_data(engine)
            seed_sample_services(engine)
        filled = rebuild_missing_read_models(engine)
        if filled:
            log.info("read_model_filled_in", entries=filled)
    finally:
        engine.dispose()


def outbox_relay(
    engine: Engine, settings: DirectorySettings, common: CommonSettings
) -> OutboxRelay | None:
    """The relay publishing the directory's events, or None with CJP_DIRECTORY_RELAY_ENABLED off."""
    return build_relay(engine, settings, common, [SERVICE_TOPIC])
