"""Reading back what the broker acknowledged: is each published row's record where it was put?

A broker can acknowledge a record and still never serve it. Tansu 0.6 (memory storage) stores a
record sent to a topic it does not have yet (a producer's metadata still names the topic it had
before a restart) and, when the topic is then created, sets that partition's high-water mark back
to 0 while the records stay. Until enough later sends push the mark back up, fetches of those
records answer nothing, while ``ListOffsets`` (which Tansu computes from the stored records)
still reports them; and a later send can be stored inside an older batch's offset range, where
a fetch returns the older batch's record instead (``bench/tansu_produce_before_create.py``).
High-water marks cannot show either, so the relay reads the records back and compares them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.settings import CommonSettings


@dataclass(frozen=True)
class Placed:
    """A published row and where the broker said it stored it."""

    row_id: int
    topic: str
    partition: int
    offset: int
    payload: bytes


@dataclass
class ReadBack:
    """Rows found as they were sent, rows the broker does not serve, and how far it serves."""

    confirmed: set[int] = field(default_factory=set)
    missing: set[int] = field(default_factory=set)
    # The high-water mark of the broker's last fetch answer, per partition read.
    served_to: dict[tuple[str, int], int] = field(default_factory=dict)


async def read_back(
    settings: CommonSettings, placed: list[Placed], *, timeout: float = 3.0
) -> ReadBack:
    """Fetch each partition from its lowest placed offset and compare records with the rows.

    A row is missing when the reader went past its offset without finding it as sent, or when
    the broker's fetch answer puts the end of the log at or below it. Rows not reached within
    ``timeout`` are neither confirmed nor missing (the next check reads them again).
    """
    result = ReadBack()
    if not placed:
        return result
    by_partition: dict[TopicPartition, list[Placed]] = {}
    for row in placed:
        by_partition.setdefault(TopicPartition(row.topic, row.partition), []).append(row)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        request_timeout_ms=10_000,
    )
    await consumer.start()
    try:
        readings = await _read(consumer, by_partition, timeout)
        for tp, rows in by_partition.items():
            reading = readings.get(tp)
            if reading is None:  # the broker has no such partition: it kept none of them
                result.missing |= {row.row_id for row in rows}
            else:
                reading.judge(rows, result, (tp.topic, tp.partition))
    finally:
        await consumer.stop()
    return result


async def _read(
    consumer: AIOKafkaConsumer, by_partition: dict[TopicPartition, list[Placed]], timeout: float
) -> dict[TopicPartition, _Reading]:
    await consumer.topics()  # current metadata: partitions the broker does not have are skipped
    known = [
        tp for tp in by_partition if tp.partition in (consumer.partitions_for_topic(tp.topic) or ())
    ]
    consumer.assign(known)
    readings = {}
    for tp in known:
        first = min(row.offset for row in by_partition[tp])
        consumer.seek(tp, first)
        readings[tp] = _Reading(position=first, last=max(row.offset for row in by_partition[tp]))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for tp, reading in readings.items():
            reading.served_to = consumer.highwater(tp)
        open_ = [tp for tp, reading in readings.items() if not reading.finished()]
        if not open_:
            break
        batch = await consumer.getmany(*open_, timeout_ms=200)
        for tp, records in batch.items():
            readings[tp].add((record.offset, record.value) for record in records)
    return readings


@dataclass
class _Reading:
    """One partition read from the lowest placed offset: what it held, how far it was read."""

    position: int
    last: int
    served_to: int | None = None
    records: dict[int, bytes | None] = field(default_factory=dict)

    def add(self, records: Iterable[tuple[int, bytes | None]]) -> None:
        for offset, value in records:
            self.records[offset] = value
            self.position = max(self.position, offset + 1)

    def finished(self) -> bool:
        """Read past the last placed offset, or the broker says its log ends before it."""
        if self.position > self.last:
            return True
        return self.served_to is not None and self.served_to <= self.position

    def judge(self, rows: Iterable[Placed], result: ReadBack, where: tuple[str, int]) -> None:
        if self.served_to is not None:
            result.served_to[where] = self.served_to
        for row in rows:
            if self.records.get(row.offset) == row.payload:
                result.confirmed.add(row.row_id)
            elif row.offset < self.position or (
                self.served_to is not None and self.served_to <= row.offset
            ):
                result.missing.add(row.row_id)
