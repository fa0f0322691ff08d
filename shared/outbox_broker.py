"""What the broker still holds: its high-water mark for each partition we published to."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, TopicPartition, errors

from shared.settings import CommonSettings


async def high_water_marks(
    settings: CommonSettings, partitions: set[tuple[str, int]]
) -> dict[tuple[str, int], int]:
    """The next offset the broker would give on each partition; 0 where it has no such partition.

    A fresh, group-less consumer reads current metadata, so a broker that restarted empty (its
    topics gone, or re-created empty) answers 0 rather than what an old connection remembered.
    """
    if not partitions:
        return {}
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_auto_commit=False,
        request_timeout_ms=10_000,
    )
    await consumer.start()
    try:
        await consumer.topics()  # refresh metadata for every topic
        known = [
            TopicPartition(topic, partition)
            for topic, partition in partitions
            if partition in (consumer.partitions_for_topic(topic) or set())
        ]
        # end_offsets may wait forever on a partition that vanished meanwhile: bound it.
        ends = await asyncio.wait_for(consumer.end_offsets(known), timeout=15) if known else {}
    finally:
        await consumer.stop()
    return {
        (topic, partition): int(ends.get(TopicPartition(topic, partition), 0))
        for topic, partition in partitions
    }


# Refusals that concern the row itself: sending it again cannot succeed. Everything else the
# broker or network says (Tansu answers UnknownError while it has no topics, say) is transient.
ROW_REFUSALS = (
    errors.MessageSizeTooLargeError,
    errors.RecordTooLargeError,
    errors.RecordListTooLargeError,
    errors.CorruptRecordException,
    errors.InvalidTopicError,
    errors.InvalidTimestampError,
    errors.UnsupportedForMessageFormatError,
    errors.TopicAuthorizationFailedError,
)


def is_transient(error: BaseException) -> bool:
    """A broker or network hiccup (retry the row later, uncounted) rather than a bad row."""
    if isinstance(error, ROW_REFUSALS):
        return False
    return isinstance(error, (errors.KafkaError, ConnectionError, TimeoutError, OSError))
