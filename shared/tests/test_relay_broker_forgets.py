"""A broker that forgets what it acknowledged (Tansu killed and restarted empty): nothing is lost.

The relay records where the broker stored each row, compares that with the broker's high-water
marks, and publishes again what the broker no longer holds. The figures are printed.
"""

from __future__ import annotations

import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import SQLModel

from conftest import TansuBroker, free_port
from shared.db import make_engine
from shared.events import EventEnvelope, new_event
from shared.outbox import OutboxMessage, OutboxRelay, pending_count
from shared.settings import CommonSettings
from shared.unit_of_work import UnitOfWork

TOPIC = "test.forgetful.v1"


class _Changed(BaseModel):
    sequence: int


def _engine(url: str) -> Engine:
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine, tables=[OutboxMessage.__table__])  # type: ignore[attr-defined]
    return engine


def _commit_events(engine: Engine, first: int, count: int) -> list[uuid.UUID]:
    ids = []
    for sequence in range(first, first + count):
        with UnitOfWork(engine) as uow:
            envelope = new_event(
                event_type="Changed", source="test", aggregate_id=str(sequence % 7),
                data=_Changed(sequence=sequence),
            )  # fmt: skip
            uow.publish(envelope, topic=TOPIC)
            ids.append(envelope.event_id)
    return ids


async def _consume(
    bootstrap: str, group: str, *, until: set[uuid.UUID], at_most: int | None
) -> list[uuid.UUID]:
    """Read as a consumer group, committing as it goes, until ``until`` is seen or ``at_most``."""
    consumer = AIOKafkaConsumer(
        TOPIC, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
        enable_auto_commit=False,
    )  # fmt: skip
    await consumer.start()
    seen: list[uuid.UUID] = []
    try:
        async with asyncio.timeout(60):
            while not until <= set(seen) and (at_most is None or len(seen) < at_most):
                batch = await consumer.getmany(timeout_ms=500, max_records=5)
                for messages in batch.values():
                    seen += [EventEnvelope.from_bytes(m.value).event_id for m in messages]
                await consumer.commit()
    finally:
        await consumer.stop()
    return seen


async def _wait_until_published(engine: Engine, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while pending_count(engine):
        assert time.monotonic() < deadline, "the relay did not publish everything"
        await asyncio.sleep(0.1)


async def test_events_the_broker_lost_in_a_crash_are_published_again(
    sqlite_database_url: str,
) -> None:
    engine = _engine(sqlite_database_url)
    broker = TansuBroker(free_port())
    broker.start()
    settings = CommonSettings(
        kafka_bootstrap_servers=broker.bootstrap, outbox_verify_interval_seconds=1.0
    )
    relay = OutboxRelay(engine=engine, settings=settings, topics=[TOPIC], lock_key=7201)
    task = asyncio.create_task(relay.run())
    group = f"g-{uuid.uuid4().hex[:8]}"
    try:
        before = _commit_events(engine, 0, 60)
        await _wait_until_published(engine)
        consumed = await _consume(broker.bootstrap, group, until=set(before), at_most=25)
        broker.kill()  # acknowledged, partly consumed, and now forgotten
        broker.start()
        restarted = time.monotonic()
        after = _commit_events(engine, 60, 40)
        rest = set(before + after) - set(consumed)
        consumed_again = await _consume(broker.bootstrap, group, until=rest, at_most=None)
        recovered_in = time.monotonic() - restarted
    finally:
        await relay.stop()
        await task
        broker.stop()
    lost = set(before + after) - set(consumed) - set(consumed_again)
    duplicates = len(consumed) + len(consumed_again) - len(set(consumed) | set(consumed_again))
    print(
        f"\npublished {len(before)}, consumed {len(consumed)} before the broker was killed, "
        f"{len(after)} committed after its restart; replayed {relay.replayed}, lost {len(lost)}, "
        f"delivered again {duplicates} (harmless: consumers skip known event ids); "
        f"all delivered {recovered_in:.1f} s after the restart"
    )
    assert lost == set()
    assert relay.replayed >= len(before) - len(consumed)


async def test_events_the_broker_acknowledged_but_does_not_serve_are_published_again(
    sqlite_database_url: str, kafka_broker: TansuBroker
) -> None:
    """Rows sent to a topic Tansu no longer has are acknowledged, then hidden when it is created.

    The topic is deleted under the relay's producer (as a restart empties the broker), five rows
    are published into it, and the topic is created again: Tansu then serves none of them while
    ListOffsets still counts them (``bench/tansu_produce_before_create.py``). The relay's read-back
    finds them missing and publishes them again; a new consumer group reads all five.
    """
    topic = f"test.withheld.{uuid.uuid4().hex[:8]}"
    engine = _engine(sqlite_database_url)
    settings = CommonSettings(
        kafka_bootstrap_servers=kafka_broker.bootstrap, outbox_verify_interval_seconds=3600.0
    )
    relay = OutboxRelay(engine=engine, settings=settings, topics=[topic], lock_key=7203)
    try:
        await _publish(relay, engine, topic, 2)  # the producer now knows the topic
        await _admin(kafka_broker.bootstrap, delete=topic)
        withheld = await _publish(relay, engine, topic, 5)
        await _admin(
            kafka_broker.bootstrap, create=topic, partitions=settings.kafka_topic_partitions
        )
        assert await _read_all(kafka_broker.bootstrap, topic, wait=1.0) == set()  # Tansu's fault
        started = time.monotonic()
        replayed = await relay.check_broker()
        await relay.publish_pending()
        repaired_in = time.monotonic() - started
        found = await _read_all(kafka_broker.bootstrap, topic, wait=3.0)
    finally:
        await relay.stop()
    print(
        f"\n5 rows acknowledged and not served; read back and published again: {replayed}; "
        f"check and publish took {repaired_in:.1f} s; a new group reads "
        f"{len(set(withheld) & found)} of 5"
    )
    assert replayed >= 5
    assert set(withheld) <= found


async def _publish(relay: OutboxRelay, engine: Engine, topic: str, count: int) -> list[uuid.UUID]:
    ids = []
    for sequence in range(count):
        with UnitOfWork(engine) as uow:
            envelope = new_event(
                event_type="Changed", source="test", aggregate_id=str(sequence),
                data=_Changed(sequence=sequence),
            )  # fmt: skip
            uow.publish(envelope, topic=topic)
            ids.append(envelope.event_id)
    assert await relay.publish_pending() == count
    return ids


async def _admin(
    bootstrap: str, *, create: str | None = None, delete: str | None = None, partitions: int = 4
) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if delete:
            await admin.delete_topics([delete])
        if create:
            await admin.create_topics([NewTopic(create, partitions, replication_factor=1)])
    finally:
        await admin.close()


async def _read_all(bootstrap: str, topic: str, *, wait: float) -> set[uuid.UUID]:
    """What a brand-new consumer group reads from the start within ``wait`` seconds of silence."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=f"audit-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest", enable_auto_commit=False,
    )  # fmt: skip
    await consumer.start()
    found: set[uuid.UUID] = set()
    try:
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < wait:
            batch = await consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                found |= {EventEnvelope.from_bytes(m.value).event_id for m in messages}
                quiet_since = time.monotonic()
    finally:
        await consumer.stop()
    return found
