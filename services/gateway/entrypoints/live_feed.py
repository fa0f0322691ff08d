"""The services' events from Kafka: status changes fanned out to GraphQL subscribers in this
process, and every event ends this process's cached public answers."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime

import structlog
from aiokafka import AIOKafkaConsumer
from pydantic import ValidationError

from services.gateway.adapters.metrics import LIVE_FEED_READING
from shared.events import EventEnvelope
from shared.kafka import ensure_topics
from shared.settings import CommonSettings

log = structlog.get_logger()
DELIVERABLE_TOPIC = "deliverables.deliverable.v1"
# Everything the services publish about data the gateway serves (their events.py name them).
CHANGE_TOPICS = (DELIVERABLE_TOPIC, "deliverables.reporting-round.v1", "directory.service.v1")
_STATUS_CHANGED = "DeliverableStatusChanged"
_QUEUE_SIZE = 100


@dataclass(frozen=True)
class StatusChange:
    """One ``DeliverableStatusChanged`` event, as subscribers see it."""

    event_id: str
    number: int
    title: str
    old_status: str
    new_status: str
    round: str | None
    occurred_at: datetime


def status_change_from(envelope: EventEnvelope) -> StatusChange | None:
    """The status change an event describes, or None for other events."""
    if envelope.event_type != _STATUS_CHANGED:
        return None
    data = envelope.data
    return StatusChange(
        event_id=str(envelope.event_id),
        number=int(data["number"]),
        title=str(data.get("title", "")),
        old_status=str(data["old_status"]),
        new_status=str(data["new_status"]),
        round=data.get("round"),
        occurred_at=envelope.occurred_at,
    )


class DeliverableStatusFeed:
    """Every subscriber gets its own bounded queue; a slow one loses its oldest changes."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[StatusChange]] = set()

    @property
    def subscriber_count(self) -> int:
        return len(self._queues)

    def publish(self, change: StatusChange) -> None:
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(change)

    async def changes(self) -> AsyncIterator[StatusChange]:
        queue: asyncio.Queue[StatusChange] = asyncio.Queue(maxsize=_QUEUE_SIZE)
        self._queues.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)


async def consume_status_changes(
    feed: DeliverableStatusFeed,
    *,
    settings: CommonSettings,
    on_change: Callable[[], None] = lambda: None,
    retry_seconds: float = 2.0,
) -> None:
    """Read the services' topics from their end, without a consumer group, for ever.

    Without a group every gateway instance sees every change, and no offsets are committed:
    live updates are for what happens while a client is watching. ``on_change`` runs for every
    event, and whenever reading (re)starts, since events may have been missed meanwhile.
    """
    while True:
        consumer = AIOKafkaConsumer(
            *CHANGE_TOPICS,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            group_id=None,
            auto_offset_reset="latest",
            metadata_max_age_ms=5_000,
        )
        try:
            await ensure_topics(settings, list(CHANGE_TOPICS))  # it reads them: it creates them
            await consumer.start()
            on_change()
            _reading.consumer = consumer
            log.info("live_feed_started", topics=CHANGE_TOPICS)
            async for message in consumer:
                on_change()
                if message.topic == DELIVERABLE_TOPIC:
                    _publish_message(feed, message.value)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("live_feed_interrupted", error=type(exc).__name__)
        finally:
            if _reading.consumer is consumer:
                _reading.consumer = None
            with contextlib.suppress(Exception):
                await consumer.stop()
        await asyncio.sleep(retry_seconds)


class _Reading:
    """The consumer the live feed reads with now (None between attempts), for the gauge; one
    gateway runs per process (the last feed started wins where tests run several)."""

    consumer: AIOKafkaConsumer | None = None


_reading = _Reading()
# aiokafka rides out a broker outage by itself (the loop above sees no error), so "reading" is
# measured: every partition has had an answer to a fetch (it asks every 0.5 s) lately.
READING_WITHIN_MS = 10_000


def _feed_is_reading() -> float:
    consumer = _reading.consumer
    if consumer is None:
        return 0.0
    try:  # read at each scrape: whatever the consumer is doing, /metrics must still answer
        partitions = consumer.assignment()
        stamps = [consumer.last_poll_timestamp(partition) for partition in partitions]
    except Exception:
        return 0.0
    now_ms = time.time() * 1000
    fresh = [stamp is not None and now_ms - stamp <= READING_WITHIN_MS for stamp in stamps]
    return 1.0 if fresh and all(fresh) else 0.0


LIVE_FEED_READING.set_function(_feed_is_reading)


def _publish_message(feed: DeliverableStatusFeed, raw: bytes | None) -> None:
    if raw is None:
        return
    try:
        change = status_change_from(EventEnvelope.from_bytes(raw))
    except (ValidationError, KeyError, TypeError, ValueError):
        log.warning("live_feed_skipped_malformed_event")
        return
    if change is not None:
        feed.publish(change)
