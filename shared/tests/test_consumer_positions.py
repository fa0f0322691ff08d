"""A consumer left beyond the end of a log the broker lost reads the new log within seconds.

Tansu restarted empty answers a fetch beyond its log end with no records (not
OFFSET_OUT_OF_RANGE), so aiokafka's ``auto_offset_reset`` never applies and the partition waits
until the new log grows past the old position. ``rewind_positions_past_log_end`` seeks back.
"""

from __future__ import annotations

import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from conftest import TansuBroker, free_port
from shared.consumer_positions import rewind_positions_past_log_end
from shared.kafka import ensure_topics
from shared.settings import CommonSettings

TOPIC = "test.positions.v1"
OLD_LOG = 30


async def _produce(bootstrap: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(TOPIC, value, partition=0)
    finally:
        await producer.stop()


async def _read(consumer: AIOKafkaConsumer, seconds: float, *, guard: bool) -> list[bytes]:
    """What the consumer receives within ``seconds``, with or without the position guard."""
    got: list[bytes] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not got:
        batches = await consumer.getmany(timeout_ms=200)
        got += [record.value or b"" for records in batches.values() for record in records]
        if guard:
            await rewind_positions_past_log_end(consumer)
    return got


async def test_a_position_beyond_the_new_log_end_is_rewound() -> None:
    broker = TansuBroker(free_port())
    broker.start()
    common = CommonSettings(kafka_bootstrap_servers=broker.bootstrap, kafka_topic_partitions=1)
    partition = TopicPartition(TOPIC, 0)
    consumer = AIOKafkaConsumer(
        TOPIC,
        bootstrap_servers=broker.bootstrap,
        group_id="positions",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    try:
        await ensure_topics(common, [TOPIC])
        await _produce(broker.bootstrap, [b"old-%d" % n for n in range(OLD_LOG)])
        await consumer.start()
        while await consumer.position(partition) < OLD_LOG:
            await consumer.getmany(timeout_ms=200)
        await consumer.commit()
        broker.kill()
        broker.start()  # empty: no topics, offsets or groups
        await ensure_topics(common, [TOPIC])
        await _produce(broker.bootstrap, [b"after-restart"])
        # The consumer rejoins the new group; what it read from the old log (a record handled
        # across the restart, a seek back after a failed attempt) leaves it at the old offset.
        await _read(consumer, 8, guard=False)  # rejoined and caught up with the new log
        consumer.seek(partition, OLD_LOG)
        unguarded = await _read(consumer, 3, guard=False)
        began = time.monotonic()
        guarded = await _read(consumer, 10, guard=True)
        took = time.monotonic() - began
    finally:
        await consumer.stop()
        broker.stop()
    print(f"\nbeyond the log end: {len(unguarded)} records in 3 s unguarded, guarded {took:.1f} s")
    assert unguarded == []  # the broker's answer: nothing, and no reset
    assert guarded == [b"after-restart"]
    assert took < 3
