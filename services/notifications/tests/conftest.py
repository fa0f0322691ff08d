"""Fixtures: the real service (HTTP, consumer, sender) on a real broker, SMTP and database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaProducer

from services.notifications.adapters.topics import CONSUMED_TOPICS, DEAD_LETTER_TOPIC
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.sinks import Broker, MailSink, free_port
from services.notifications.wiring import Wiring
from shared.events import EventEnvelope
from shared.kafka import ensure_topics
from shared.settings import CommonSettings
from tests.identity_signing import SignsTestIdentities


@pytest.fixture
def broker() -> Iterator[Broker]:
    started = Broker()
    yield started
    started.stop()


@pytest.fixture
def mail() -> Iterator[MailSink]:
    sink = MailSink()
    yield sink
    sink.stop()


def make_settings(database_url: str, mail: MailSink, **overrides: Any) -> NotificationsSettings:
    port = free_port()
    values: dict[str, Any] = {
        "port": port,
        "public_base_url": f"http://127.0.0.1:{port}",
        "database_url": database_url,
        "smtp_port": mail.port,
        "sender_poll_interval_seconds": 0.1,
        "retry_base_seconds": 0.2,
        "retry_max_seconds": 1.0,
        "send_rate_per_minute": 0,
        "digest_check_interval_seconds": 3600,
        "retention_check_interval_seconds": 3600,
        "consumer_retry_base_seconds": 0.05,
        # The broker assigns partitions after about half the session timeout: keep tests quick.
        "consumer_session_timeout_ms": 2000,
        "consumer_heartbeat_interval_ms": 300,
        **overrides,
    }
    return NotificationsSettings(**values)


@dataclass
class RunningService:
    base_url: str
    http: httpx.AsyncClient
    wiring: Wiring
    producer: AIOKafkaProducer

    async def publish(self, topic: str, value: EventEnvelope | bytes, key: str = "k") -> None:
        raw = value.to_bytes() if isinstance(value, EventEnvelope) else value
        await self.producer.send_and_wait(topic, value=raw, key=key.encode())


@asynccontextmanager
async def run_service(
    settings: NotificationsSettings, bootstrap: str
) -> AsyncIterator[RunningService]:
    """The service as `python -m services.notifications` runs it, on a free port."""
    common = CommonSettings(kafka_bootstrap_servers=bootstrap, environment="test")
    # Events published before the consumer has joined its group are read from the start.
    await ensure_topics(common, [*CONSUMED_TOPICS, DEAD_LETTER_TOPIC])
    app = create_app(settings, common)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=settings.port, log_config=None)
    )
    task = asyncio.create_task(server.serve())
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        wiring: Wiring = app.state.wiring
        await producer.start()
        async with httpx.AsyncClient(
            base_url=settings.public_base_url,
            timeout=10,
            auth=SignsTestIdentities("notifications"),
        ) as http:
            yield RunningService(settings.public_base_url, http, wiring, producer)
    finally:
        await producer.stop()
        server.should_exit = True
        await asyncio.wait_for(task, 30)


def link_in(text: str, page: str) -> str:
    """The first link to ``page`` (e.g. "confirm") in an email body."""
    found = re.search(rf"(http://\S+/{page}\?token=\S+)", text)
    assert found, f"no /{page} link in: {text}"
    return found.group(1)
