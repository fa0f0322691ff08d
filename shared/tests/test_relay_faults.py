"""A row the broker can never take is set aside without stopping anyone else; topics come back."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import SQLModel

from conftest import TansuBroker, free_port
from shared.db import make_engine
from shared.events import EventEnvelope, new_event
from shared.outbox import OutboxMessage, OutboxRelay, failed_rows, outbox_stats
from shared.settings import CommonSettings
from shared.tests.test_outbox_and_inbox import _consume
from shared.unit_of_work import UnitOfWork


class _Noted(BaseModel):
    text: str


def _engine(url: str) -> Engine:
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine, tables=[OutboxMessage.__table__])  # type: ignore[attr-defined]
    return engine


def _commit(engine: Engine, topic: str, events: list[tuple[str, str]]) -> list[uuid.UUID]:
    with UnitOfWork(engine) as uow:
        envelopes = [
            new_event(event_type="Noted", source="test", aggregate_id=key, data=_Noted(text=text))
            for key, text in events
        ]
        for envelope in envelopes:
            uow.publish(envelope, topic=topic)
    return [envelope.event_id for envelope in envelopes]


async def test_a_row_too_large_for_the_broker_holds_back_only_its_own_aggregate(
    database_url: str, kafka_broker: Any
) -> None:
    engine = _engine(database_url)
    topic = f"test.too-large.{uuid.uuid4().hex[:8]}"
    huge = "x" * 2_000_000  # over the 1 MiB a producer request may carry
    ids = _commit(engine, topic, [("A", "a1"), ("A", huge), ("A", "a3"), ("B", "b1"), ("B", "b2")])
    settings = CommonSettings(kafka_bootstrap_servers=kafka_broker.bootstrap, outbox_max_attempts=2)
    relay = OutboxRelay(engine=engine, settings=settings, topics=[topic], lock_key=7301)
    task = asyncio.create_task(relay.run())
    try:
        received = await _consume(kafka_broker.bootstrap, topic, 3)
        deadline = time.monotonic() + 15
        while not failed_rows(engine):
            assert time.monotonic() < deadline, "the oversized row was never set aside"
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # time enough for a3 to go out, were it (wrongly) let through
    finally:
        await relay.stop()
        await task
    got = [EventEnvelope.from_bytes(message.value).event_id for message in received]
    assert sorted(got) == sorted([ids[0], ids[3], ids[4]])
    [failed] = failed_rows(engine)
    assert failed.event_id == ids[1] and failed.attempts == 2
    assert "MessageSizeTooLarge" in (failed.last_error or "")
    stats = outbox_stats(engine)
    assert (stats.pending, stats.failed) == (1, 1), "a3 waits behind its aggregate's failed row"
    print(f"\nfailed row: {failed.last_error}; other aggregates delivered: {len(got)} of 3")


async def _topics(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def test_an_idle_relay_creates_its_topics_again_after_the_broker_restarts_empty(
    sqlite_database_url: str,
) -> None:
    """Consumers of an empty broker would otherwise commit into the void for minutes."""
    engine = _engine(sqlite_database_url)
    broker = TansuBroker(free_port())
    broker.start()
    topic = "test.idle-topic.v1"
    settings = CommonSettings(
        kafka_bootstrap_servers=broker.bootstrap, outbox_verify_interval_seconds=1.0
    )
    relay = OutboxRelay(engine=engine, settings=settings, topics=[topic], lock_key=7302)
    task = asyncio.create_task(relay.run())
    try:
        deadline = time.monotonic() + 15
        while topic not in await _topics(broker.bootstrap):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)
        broker.kill()
        broker.start()
        restarted = time.monotonic()
        assert topic not in await _topics(broker.bootstrap), "Tansu forgot its topics"
        while topic not in await _topics(broker.bootstrap):
            assert time.monotonic() - restarted < 15, "the idle relay never re-created its topic"
            await asyncio.sleep(0.2)
        back_after = time.monotonic() - restarted
    finally:
        await relay.stop()
        await task
        broker.stop()
    print(f"\ntopic re-created {back_after:.1f} s after the broker restarted empty, with no rows")
    assert back_after < 10
