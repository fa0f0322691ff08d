"""The one place where the service's parts are built and connected."""

from __future__ import annotations

from pathlib import Path

import structlog
from sqlalchemy import Engine

from services.deliverables.adapters.read_model import rebuild_missing_views
from services.deliverables.adapters.seed.facts import seed_if_empty
from services.deliverables.events import TOPICS
from services.deliverables.settings import DeliverablesSettings
from shared.db import make_engine, upgrade_database
from shared.outbox import OutboxRelay
from shared.outbox_wiring import build_relay
from shared.settings import CommonSettings

MIGRATIONS = Path(__file__).parent / "migrations"
log = structlog.get_logger()


def prepare_database(settings: DeliverablesSettings) -> Engine:
    """Migrate the database to the newest revision, seed it if asked and empty, and fill in the
    read model of deliverables written before it existed (the seed's are built as it writes)."""
    upgrade_database(settings.database_url, MIGRATIONS)
    engine = make_engine(settings.database_url)
    if settings.seed_on_start:
        seed_if_empty(engine)
    filled = rebuild_missing_views(engine)
    if filled:
        log.info("read_model_filled_in", deliverables=filled)
    return engine


def outbox_relay(
    engine: Engine, settings: DeliverablesSettings, common: CommonSettings
) -> OutboxRelay | None:
    """The relay publishing the events, or None with CJP_DELIVERABLES_RELAY_ENABLED off."""
    return build_relay(engine, settings, common, TOPICS)
