"""Keep a consumer's fetch positions inside the log, even after the broker lost its data.

A broker that restarts empty (Tansu with memory storage) or loses acknowledged records (an
unclean leader election) can leave a consumer positioned beyond the new log's end. Tansu answers
such a fetch with no records and its high-water mark instead of OFFSET_OUT_OF_RANGE, so aiokafka
never applies ``auto_offset_reset`` and the partition stays silent until the new log grows past
the old position. This module notices that (position above the high-water mark the broker just
reported) and seeks back. Handlers are idempotent by ``event_id``, so re-reading is harmless.
"""

from __future__ import annotations

import asyncio

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition

log = structlog.get_logger()
POSITION_WAIT_SECONDS = 1.0


async def rewind_positions_past_log_end(consumer: AIOKafkaConsumer) -> list[TopicPartition]:
    """Seek every assigned partition whose position lies beyond the log end; return them."""
    rewound = []
    for partition in sorted(consumer.assignment()):
        highwater = consumer.highwater(partition)
        if highwater is None:
            continue  # no fetch answered for it yet
        try:
            position = await asyncio.wait_for(consumer.position(partition), POSITION_WAIT_SECONDS)
        except Exception:  # timed out while being reset, or no longer assigned: not ours to fix
            continue
        if position <= highwater:
            continue
        committed = await consumer.committed(partition)
        target = committed if committed is not None and committed <= highwater else 0
        consumer.seek(partition, target)
        rewound.append(partition)
        log.warning(
            "consumer_position_past_log_end",
            topic=partition.topic,
            partition=partition.partition,
            position=position,
            highwater=highwater,
            rewound_to=target,
        )
    return rewound
