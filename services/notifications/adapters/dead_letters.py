"""Read the dead-letter topic and replay a message to the topic it came from once fixed.

A dead letter keeps the original bytes and key, and headers naming where it came from
(``x-original-topic``/``-partition``/``-offset``) and why (``x-dead-letter-reason``). Replaying
publishes the same bytes and key to the original topic, marked ``x-replayed-from``; the consumer
is idempotent by ``event_id``, so replaying an event that was in fact handled sends nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from services.notifications.adapters.topics import DEAD_LETTER_TOPIC
from shared.errors import DomainError, NotFound
from shared.kafka import make_producer
from shared.settings import CommonSettings

READ_TIMEOUT_MS = 2000


class BrokerUnavailable(DomainError):
    """The dead letters live in Kafka; without the broker they can be neither read nor replayed."""

    code = "UNAVAILABLE"
    http_status = 503


@asynccontextmanager
async def _broker_errors() -> AsyncIterator[None]:
    try:
        yield
    except KafkaError as exc:
        raise BrokerUnavailable(f"The broker is not reachable: {type(exc).__name__}") from exc


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    reason: str
    original_topic: str
    original_partition: int | None
    original_offset: int | None
    size_bytes: int


async def list_dead_letters(common: CommonSettings, *, limit: int = 100) -> list[DeadLetter]:
    """The dead letters on the topic now, oldest first per partition (at most ``limit``)."""
    async with _broker_errors():
        records = await _read_all(common)
    return [_dead_letter(record) for record in records[:limit]]


async def replay_dead_letter(common: CommonSettings, *, partition: int, offset: int) -> str:
    """Publish one dead letter again to its original topic; returns that topic."""
    async with _broker_errors():
        found = [
            r for r in await _read_all(common) if (r.partition, r.offset) == (partition, offset)
        ]
    if not found:
        raise NotFound("There is no dead letter at that partition and offset.")
    record = found[0]
    headers = dict(record.headers or [])
    topic = headers.get("x-original-topic", b"").decode()
    if not topic:
        raise NotFound("That dead letter does not say which topic it came from.")
    kept = [(k, v) for k, v in (record.headers or []) if not k.startswith("x-dead-letter")]
    kept.append(("x-replayed-from", f"{DEAD_LETTER_TOPIC}:{partition}:{offset}".encode()))
    producer = make_producer(common)
    async with _broker_errors():
        await producer.start()
        try:
            await producer.send_and_wait(topic, value=record.value, key=record.key, headers=kept)
        finally:
            await producer.stop()
    return topic


async def _read_all(common: CommonSettings) -> list[ConsumerRecord]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=common.kafka_bootstrap_servers, enable_auto_commit=False
    )
    try:
        await consumer.start()
        partitions = consumer.partitions_for_topic(DEAD_LETTER_TOPIC)
        if not partitions:
            await consumer.topics()  # refresh metadata once: the topic may be new to us
            partitions = consumer.partitions_for_topic(DEAD_LETTER_TOPIC) or set()
        assigned = [TopicPartition(DEAD_LETTER_TOPIC, p) for p in sorted(partitions)]
        if not assigned:
            return []
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        return await _read_until(consumer, ends)
    finally:
        await consumer.stop()


async def _read_until(
    consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]
) -> list[ConsumerRecord]:
    records: list[ConsumerRecord] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while await _behind(consumer, ends) and loop.time() < deadline:
        batch = await consumer.getmany(timeout_ms=READ_TIMEOUT_MS)
        for partition_records in batch.values():
            records.extend(
                r
                for r in partition_records
                if r.offset < ends[TopicPartition(r.topic, r.partition)]
            )
    return sorted(records, key=lambda r: (r.partition, r.offset))


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False


def _dead_letter(record: ConsumerRecord) -> DeadLetter:
    headers = {key: value.decode(errors="replace") for key, value in record.headers or []}
    return DeadLetter(
        partition=record.partition,
        offset=record.offset,
        reason=headers.get("x-dead-letter-reason", ""),
        original_topic=headers.get("x-original-topic", ""),
        original_partition=_int(headers.get("x-original-partition")),
        original_offset=_int(headers.get("x-original-offset")),
        size_bytes=len(record.value or b""),
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.lstrip("-").isdigit() else None
