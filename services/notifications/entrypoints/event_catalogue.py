"""`python -m services.notifications.entrypoints.event_catalogue`: the AsyncAPI documents of this
service's Kafka side.

- ``asyncapi.yaml``: what it consumes (and dead-letters), as FastStream describes its consumer;
- ``asyncapi.json``: the events it publishes (``notifications.email.v1``), generated from their
  payload models the way every producer's catalogue is (``shared.event_catalogue``).

Tests keep both committed files in step with the code.
"""

from __future__ import annotations

from pathlib import Path

from faststream.specification import AsyncAPI
from sqlalchemy import create_engine

from services.notifications.entrypoints.consumer import EventConsumer
from services.notifications.events import EMAIL_TOPIC, EmailFailed, EmailsDelivered
from services.notifications.settings import NotificationsSettings
from shared import event_catalogue
from shared.settings import CommonSettings

DOCUMENT = Path(__file__).parents[1] / "asyncapi.yaml"
CATALOGUE_FILE = Path(__file__).parents[1] / "asyncapi.json"
_CHANNELS: event_catalogue.Channels = {
    EMAIL_TOPIC: (
        "The final outcome of each email: listed in one EmailsDelivered (the emails accepted "
        "together, key = the lowest delivery id listed) or one EmailFailed (key = its delivery "
        "id). No addresses.",
        [EmailsDelivered, EmailFailed],
    ),
}


def render() -> str:
    consumer = EventConsumer(
        engine=create_engine("sqlite://"),
        settings=NotificationsSettings(),
        common=CommonSettings(kafka_bootstrap_servers="127.0.0.1:9092"),
        on_new_mail=lambda: None,
    )
    spec = AsyncAPI(
        consumer.broker,
        title="CJP notifications",
        version="1",
        description="Consumes change events (group `notifications`); dead-letters the unusable.",
    )
    return str(spec.to_specification().to_yaml())


def render_catalogue() -> str:
    catalogue = event_catalogue.build_catalogue("CJP notifications events", _CHANNELS)
    return event_catalogue.render_catalogue(catalogue)


if __name__ == "__main__":
    DOCUMENT.write_text(render())
    CATALOGUE_FILE.write_text(render_catalogue(), encoding="utf-8")
    print(f"wrote {DOCUMENT} and {CATALOGUE_FILE}")
