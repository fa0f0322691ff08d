"""The one place where the service's parts are built and connected (bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from services.notifications.adapters.tokens import LinkTokens
from services.notifications.entrypoints.consumer import EventConsumer
from services.notifications.events import EMAIL_TOPIC
from services.notifications.settings import NotificationsSettings
from services.notifications.use_cases.composing import Composer
from services.notifications.use_cases.sender import Sender
from shared.db import make_engine, upgrade_database
from shared.outbox import OutboxRelay
from shared.outbox_wiring import build_relay
from shared.settings import CommonSettings

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class Wiring:
    engine: Engine
    settings: NotificationsSettings
    common: CommonSettings
    tokens: LinkTokens
    composer: Composer
    sender: Sender
    consumer: EventConsumer
    relay: OutboxRelay | None  # EmailDelivered / EmailFailed


def build_wiring(settings: NotificationsSettings, common: CommonSettings) -> Wiring:
    """Migrate the database and build every part; nothing runs until ``running`` starts it."""
    engine = make_engine(settings.database_url)  # first: it creates a SQLite file's folder
    upgrade_database(settings.database_url, MIGRATIONS)
    tokens = LinkTokens(
        secret=settings.token_secret,
        confirm_max_age=settings.confirm_token_max_age_seconds,
        link_max_age=settings.link_token_max_age_seconds,
    )
    composer = Composer(
        base_url=settings.public_base_url, tokens=tokens, web_base_url=settings.web_base_url
    )
    sender = Sender(engine=engine, settings=settings, composer=composer)
    consumer = EventConsumer(
        engine=engine, settings=settings, common=common, on_new_mail=sender.wake
    )
    relay = build_relay(engine, settings, common, [EMAIL_TOPIC])
    return Wiring(engine, settings, common, tokens, composer, sender, consumer, relay)
