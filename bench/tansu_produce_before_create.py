"""Tansu 0.6 (memory storage) acknowledges records it then does not serve: a minimal reproduction.

Usage: python -m bench.tansu_produce_before_create   (a few seconds; starts its own Tansu)

What it shows, with plain aiokafka calls and no outbox:
1. Tansu stores a record sent to a topic it does not have (a producer whose metadata still names
   the topic: here the topic is deleted under it; in practice the broker restarted empty) and
   acknowledges it, advancing that partition's high-water mark.
2. Creating the topic then sets the partition's high-water mark back to 0 but keeps the records.
   Fetches answer nothing (high-water mark 0) while ListOffsets, which Tansu computes from the
   stored records, still reports them. The same window exists inside every topic creation
   (Tansu records the topic first, then resets its partitions), so a record sent by a client that
   already sees the new topic can land there too.
3. Each later send to that partition is refused with UnknownError (an object already exists at
   that offset) and moves the high-water mark on by one; a send reaching an offset inside an older
   batch of several records is acknowledged, yet a fetch there returns the older batch's record.

The relay copes (``shared/outbox_readback.py``): it reads records back, sends again at once on
that UnknownError, and publishes again what is not served as sent.
"""

from __future__ import annotations

import asyncio
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from conftest import TansuBroker, free_port


async def _admin(bootstrap: str, *, create: str | None = None, delete: str | None = None) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if delete:
            await admin.delete_topics([delete])
        if create:
            await admin.create_topics([NewTopic(create, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()


async def _send(producer: AIOKafkaProducer, topic: str, *values: str) -> str:
    """Send ``values`` as one record batch to partition 0; the offset given, or the error."""
    batch = producer.create_batch()
    for value in values:
        batch.append(key=None, value=value.encode(), timestamp=None)
    batch.close()
    try:
        return str((await (await producer.send_batch(batch, topic, partition=0))).offset)
    except Exception as exc:
        return type(exc).__name__


async def _read(bootstrap: str, topic: str) -> str:
    """Everything a fetch from offset 0 returns, with the two end offsets Tansu reports."""
    tp = TopicPartition(topic, 0)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([tp])
        consumer.seek(tp, 0)
        records = []
        for _ in range(3):
            batch = await consumer.getmany(tp, timeout_ms=300)
            records += [f"{m.offset}:{m.value.decode()}" for m in batch.get(tp, [])]
        end = (await consumer.end_offsets([tp]))[tp]
        return f"{records}; fetch high-water mark {consumer.highwater(tp)}, ListOffsets end {end}"
    finally:
        await consumer.stop()


async def _scenario(bootstrap: str, producer: AIOKafkaProducer, first: list[str]) -> None:
    topic = f"repro.{uuid.uuid4().hex[:8]}"
    await _admin(bootstrap, create=topic)
    print(f"\n{topic}: sent while the topic exists:", await _send(producer, topic, "warm-up"))
    await _admin(bootstrap, delete=topic)
    sent = [await _send(producer, topic, *values.split(",")) for values in first]
    print(f"  sent {first} to the deleted topic: acknowledged at {sent}")
    await _admin(bootstrap, create=topic)
    print("  topic created again; read from 0:", await _read(bootstrap, topic))
    later = [await _send(producer, topic, f"later{i}") for i in range(4)]
    print("  4 more sends, one record each:", later)
    print("  read from 0:", await _read(bootstrap, topic))


async def main() -> None:
    broker = TansuBroker(free_port())
    broker.start()
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
    await producer.start()
    try:
        await _scenario(broker.bootstrap, producer, ["a", "b", "c"])
        await _scenario(broker.bootstrap, producer, ["a0,a1,a2"])
    finally:
        await producer.stop()
        broker.stop()


if __name__ == "__main__":
    asyncio.run(main())
