"""The outbox relay: publishes committed events in order, and again if the broker forgets them.

Rows are written by ``shared.unit_of_work.UnitOfWork`` in the change's own transaction (see
``shared.outbox_rows`` for their states). One relay per database publishes them (a PostgreSQL
advisory lock elects it), keyed by aggregate id, and records where the broker stored each one.
Every few seconds, and after each reconnect, it re-asserts its topics (a broker that restarted
empty has none) and compares the offsets it recorded with the broker's high-water marks: rows the
broker no longer holds go back in the queue and are published again, in order. Consumers are
idempotent by ``event_id``, so a replay is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import structlog
from aiokafka import AIOKafkaProducer, errors
from aiokafka.conn import CloseReason
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import RecordMetadata
from sqlalchemy import Engine

from shared.event_headers import publishing
from shared.kafka import ensure_topics, make_producer
from shared.leadership import AdvisoryLeadership
from shared.outbox_broker import high_water_marks, is_transient
from shared.outbox_readback import Placed, read_back
from shared.outbox_rows import (
    OutboxMessage,
    OutboxState,
    OutboxStats,
    PendingRow,
    Published,
    add_all_to_outbox,
    add_to_outbox,
    attempts_of,
    failed_rows,
    mark_read_back,
    next_batch,
    outbox_stats,
    pending_count,
    prune_published,
    published_partitions,
    record_failure,
    record_published,
    requeue_forgotten,
    requeue_placed,
    retry_failed,
    unread_published,
)
from shared.settings import CommonSettings

__all__ = [
    "OutboxMessage",
    "OutboxRelay",
    "OutboxState",
    "OutboxStats",
    "add_all_to_outbox",
    "add_to_outbox",
    "failed_rows",
    "outbox_stats",
    "pending_count",
    "retry_failed",
    "wake_relays_of",
]

log = structlog.get_logger()
# Immediate resends per batch of rows a broker refused for an offset it already holds (Tansu).
RESENDS_PER_BATCH = 1000
# The relays running in this process, by the engine whose outbox they publish.
_relays: weakref.WeakKeyDictionary[Engine, set[OutboxRelay]] = weakref.WeakKeyDictionary()


def wake_relays_of(engine: Engine) -> None:
    """Ask this process's relays for ``engine`` to publish now (called after a commit)."""
    for relay in list(_relays.get(engine, ())):
        relay.wake()


class OutboxRelay:
    """Publishes pending outbox rows and replays those a forgetful broker lost."""

    def __init__(
        self, *, engine: Engine, settings: CommonSettings, topics: list[str], lock_key: int
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._topics = topics
        self._leadership = AdvisoryLeadership(engine, lock_key, name="outbox_relay")
        self._producer: AIOKafkaProducer | None = None
        self._wake = asyncio.Event()
        self._connection_lost = asyncio.Event()
        self._stopping = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next_check = 0.0
        self._next_prune = 0.0
        self._next_read_back = math.inf
        self._resends_left = RESENDS_PER_BATCH
        self.replayed = 0  # rows published again because the broker had lost them

    def wake(self) -> None:
        """Ask the relay to look for new rows now; safe from any thread (routes run in threads)."""
        loop = self._loop
        if loop is None:  # not running yet: it looks at once when it starts
            self._wake.set()
            return
        if loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake.set()
        else:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        _relays.setdefault(self._engine, set()).add(self)
        backoff = 0.5
        try:
            while not self._stopping.is_set():
                try:
                    await self._step()
                    backoff = 0.5
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("outbox_relay_retrying", error=str(exc), retry_in=backoff)
                    await self._close_producer()
                    self._next_check = 0.0  # after a reconnect, first ask what the broker kept
                    await self._pause(backoff)  # commits must not cut a backoff short
                    backoff = min(backoff * 2, 10.0)
        finally:
            _relays.get(self._engine, set()).discard(self)
            await self._close_producer()
            await asyncio.to_thread(self._leadership.release)

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def _step(self) -> None:
        if not await asyncio.to_thread(self._leadership.hold):
            await self._close_producer()
            self._next_check = 0.0
            await self._sleep(self._settings.outbox_leader_retry_seconds)
            return
        await self._ensure_producer()
        if time.monotonic() >= self._next_check:
            await self.check_broker()
        elif time.monotonic() >= self._next_read_back:
            self._next_read_back = math.inf
            await self._read_back()
        published = await self.publish_pending()
        if published == 0:
            await self._sleep(self._settings.outbox_poll_interval_seconds)
            return
        # What was just sent is read back soon: a broker may have taken it and hidden it.
        soon = time.monotonic() + self._settings.outbox_readback_delay_seconds
        self._next_read_back = min(self._next_read_back, soon)
        if published < self._settings.outbox_batch_size:
            # Rows committed meanwhile wait to share the next cycle: under a stream of commits a
            # cycle (three statements, a produce request, its acknowledgement) per commit cost
            # more than the rows. A quiet relay still publishes a commit as soon as it is woken.
            await self._pause(self._settings.outbox_linger_seconds)

    async def check_broker(self) -> int:
        """Re-assert topics; queue again the rows the broker no longer holds; prune old rows."""
        await ensure_topics(self._settings, self._topics)
        partitions = await asyncio.to_thread(published_partitions, self._engine)
        marks = await high_water_marks(self._settings, partitions)
        replayed = await asyncio.to_thread(requeue_forgotten, self._engine, marks)
        if replayed:
            self.replayed += replayed
            log.warning("outbox_broker_forgot_events", replayed=replayed)
        self._next_read_back = math.inf
        replayed += await self._read_back()
        self._next_check = time.monotonic() + self._settings.outbox_verify_interval_seconds
        if time.monotonic() >= self._next_prune:
            await asyncio.to_thread(self._prune)
        return replayed

    async def _read_back(self) -> int:
        """Read back the rows published lately and not yet confirmed; queue again the missing.

        The broker may acknowledge a record and never serve it (see ``shared.outbox_readback``):
        its offsets and high-water marks then look right, so only reading the record shows it.
        """
        window = timedelta(seconds=self._settings.outbox_readback_window_seconds)
        unconfirmed = await asyncio.to_thread(
            unread_published, self._engine, since=datetime.now(UTC) - window
        )
        found = await read_back(self._settings, unconfirmed)
        confirmed = [row for row in unconfirmed if row.row_id in found.confirmed]
        await asyncio.to_thread(mark_read_back, self._engine, confirmed)
        missing = [row for row in unconfirmed if row.row_id in found.missing]
        if not missing:
            return 0
        requeued = await asyncio.to_thread(requeue_placed, self._engine, missing)
        self.replayed += requeued
        log.warning(
            "outbox_broker_withholds_events", replayed=requeued, partitions=_partitions(missing),
            served_to={f"{topic}/{part}": mark for (topic, part), mark in found.served_to.items()},
        )  # fmt: skip
        return requeued

    def _prune(self) -> None:
        keep = timedelta(hours=self._settings.outbox_retention_hours)
        pruned = prune_published(self._engine, before=datetime.now(UTC) - keep)
        if pruned:
            log.info("outbox_rows_pruned", rows=pruned)
        self._next_prune = time.monotonic() + 60.0

    async def publish_pending(self) -> int:
        """Publish one batch, in order within each partition; a row that fails holds back only
        its own key's later rows.

        Rows go one at a time per partition: each is its own record batch, so the broker's
        high-water mark counts records exactly (Tansu computes it from a partition's last batch).
        The partitions are sent to side by side (a lane each, the partition chosen here as the
        producer's default partitioner would), so one round trip carries a row for each: after a
        broker that forgot, a replay of the read-back window is sent that many times faster.
        """
        producer = await self._ensure_producer()
        rows = await asyncio.to_thread(
            next_batch, self._engine, limit=self._settings.outbox_batch_size
        )
        partitions = {t: sorted(await producer.partitions_for(t)) for t in {r.topic for r in rows}}
        lanes: dict[tuple[str, int], list[PendingRow]] = {}
        for row in rows:
            lanes.setdefault((row.topic, _partition_of(row, partitions[row.topic])), []).append(row)
        acknowledged: list[Published] = []
        stopped: set[tuple[str, str]] = set()
        self._resends_left = RESENDS_PER_BATCH

        async def lane(partition: int, lane_rows: list[PendingRow]) -> None:
            for row in lane_rows:
                if self._connection_lost.is_set():
                    return  # the next step re-creates the topics and connects again first
                if (row.topic, row.key) in stopped:
                    continue
                try:
                    stored = await self._send(producer, row, partition)
                except Exception as exc:
                    stopped.add((row.topic, row.key))
                    await self._refused(row, exc)
                    continue
                acknowledged.append(Published(row.id, row.topic, stored.partition, stored.offset))

        try:
            ended = await asyncio.gather(
                *(lane(partition, lane_rows) for (_, partition), lane_rows in lanes.items()),
                return_exceptions=True,
            )
        finally:
            if acknowledged:
                await self._record(sorted(acknowledged, key=lambda published: published.row_id))
        for outcome in ended:
            if isinstance(outcome, BaseException):
                raise outcome  # a connection that is gone: the relay reconnects with a backoff
        return len(acknowledged)

    async def _send(
        self, producer: AIOKafkaProducer, row: PendingRow, partition: int
    ) -> RecordMetadata:
        """Send one row; at once again while the broker refuses it for an offset it holds.

        Tansu answers UnknownError when it tries to store a record at an offset where it already
        holds one (its high-water mark was set back under stored records, see
        ``shared.outbox_readback``); each such refusal moves the mark on by one, so sending
        again soon reaches a free offset. The number of such retries is bounded per batch.
        """
        while True:
            try:
                with publishing(row.topic, row.payload) as headers:
                    return await producer.send_and_wait(
                        row.topic, value=row.payload.encode(), key=row.key.encode(),
                        partition=partition, headers=headers,
                    )  # fmt: skip
            except errors.UnknownError:
                if self._resends_left <= 0:
                    raise
                self._resends_left -= 1

    async def _record(self, acknowledged: list[Published]) -> None:
        replayed = await asyncio.to_thread(record_published, self._engine, acknowledged)
        if replayed:  # the broker handed out offsets it had given before: it lost those rows
            self.replayed += replayed
            log.warning("outbox_broker_forgot_events", replayed=replayed)

    async def _refused(self, row: PendingRow, error: BaseException) -> None:
        """A row not taken: count it against the row, or wait, or stop the batch if all is down.

        An error answered for one partition (Tansu can refuse one partition for a while after an
        empty restart) holds back only that key; other keys' rows go on. A connection that is
        gone stops the batch: the relay reconnects with a backoff.
        """
        if not is_transient(error):
            await self._fail(row, error)
        elif isinstance(error, errors.BrokerResponseError):
            log.info("outbox_row_waiting", topic=row.topic, key=row.key, error=repr(error))
        else:
            raise error

    async def _fail(self, row: PendingRow, error: BaseException) -> None:
        attempts = await asyncio.to_thread(attempts_of, self._engine, row.id) + 1
        set_aside = attempts >= self._settings.outbox_max_attempts
        reason = f"{type(error).__name__}: {error}"
        await asyncio.to_thread(record_failure, self._engine, row.id, reason, set_aside=set_aside)
        log.warning(
            "outbox_row_failed" if set_aside else "outbox_row_attempt_failed",
            event_id=str(row.event_id), topic=row.topic, key=row.key, attempts=attempts,
            error=reason,
        )  # fmt: skip

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is not None and self._connection_lost.is_set():
            # The broker may be a new, empty one: create the topics before anything is sent.
            await self._close_producer()
            self._next_check = 0.0
        if self._producer is None:
            self._connection_lost.clear()
            await ensure_topics(self._settings, self._topics)
            producer = make_producer(self._settings)
            _notice_lost_connections(producer, self._connection_lost.set)
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
            self._next_check = 0.0
            log.info("outbox_relay_connected", bootstrap=self._settings.kafka_bootstrap_servers)
        return self._producer

    async def _close_producer(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            try:
                await producer.stop()
            except Exception as exc:
                log.debug("outbox_producer_stop_failed", error=str(exc))

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()


_PARTITIONER = DefaultPartitioner()


def _partition_of(row: PendingRow, partitions: list[int]) -> int:
    """The partition the producer's default partitioner gives the row's key (murmur2, as Kafka's
    own clients do), chosen here so that each partition's rows can be sent one after another."""
    return int(_PARTITIONER(row.key.encode(), partitions, partitions))


def _notice_lost_connections(producer: AIOKafkaProducer, notice: Callable[[], None]) -> None:
    """Call ``notice`` when one of the producer's connections to the broker breaks.

    aiokafka reconnects by itself and may send to a restarted, empty broker before anything
    created the topics there; Tansu then stores the records and hides them when the topic is
    created (``shared.outbox_readback``). The relay re-creates its topics and starts a new
    producer first instead. aiokafka has no public hook for this; its client's own callback is
    wrapped (it is looked up when each connection is made).
    """
    client = producer.client
    closed = client._on_connection_closed

    def on_closed(connection: object, reason: CloseReason) -> None:
        if reason in (CloseReason.CONNECTION_BROKEN, CloseReason.CONNECTION_TIMEOUT):
            notice()
        closed(connection, reason)

    setattr(client, "_on_connection_closed", on_closed)  # noqa: B010


def _partitions(rows: list[Placed]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        name = f"{row.topic}/{row.partition}"
        counts[name] = counts.get(name, 0) + 1
    return counts
