"""`python -m services.notifications.entrypoints.event_catalogue`: the AsyncAPI document of this
service's Kafka side.

The committed `asyncapi.yaml` is kept in step with the code by a test.
"""

from __future__ import annotations

from pathlib import Path

from faststream.specification import AsyncAPI
from sqlalchemy import create_engine

from services.notifications.entrypoints.consumer import EventConsumer
from services.notifications.settings import NotificationsSettings
from shared.settings import CommonSettings

DOCUMENT = Path(__file__).parents[1] / "asyncapi.yaml"


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


if __name__ == "__main__":
    DOCUMENT.write_text(render())
    print(f"wrote {DOCUMENT}")
