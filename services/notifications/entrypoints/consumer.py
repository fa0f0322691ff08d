"""The Kafka consumer (group ``notifications``): at-least-once, idempotent, poison to DLQ."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import structlog
from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError, RecordTooLargeError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine

from services.notifications.adapters.metrics import EVENTS, HANDLING_FAILURES
from services.notifications.adapters.set_aside import set_aside
from services.notifications.adapters.topics import CONSUMED_TOPICS, DEAD_LETTER_TOPIC
from services.notifications.adapters.tracing import remember_event_trace
from services.notifications.domain.consumed.registry import TypedEvent
from services.notifications.entrypoints.incoming import MalformedEvent, parse_envelope, parse_event
from services.notifications.settings import NotificationsSettings
from services.notifications.use_cases.fanout import ReusedEventId, record_event
from shared.db import database_answers
from shared.db_errors import is_database_unavailable
from shared.events import EventEnvelope
from shared.logging import FASTSTREAM_LOGGER
from shared.settings import CommonSettings
from shared.tracing import tracing_active

log = structlog.get_logger()
Position = tuple[str, int, int]
TOO_LARGE = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError)
RECORDED_EVENTS_KEPT = 50_000  # ids this process recorded, kept to skip redeliveries (~10 MB)


def _content_of(envelope: EventEnvelope) -> str:
    """What must match for a redelivery to be the same event (else it is a reused id)."""
    content = [envelope.event_type, envelope.aggregate_id, envelope.data]
    return json.dumps(content, sort_keys=True, default=str)


def consumer_middlewares(registry: CollectorRegistry) -> list[Any]:
    """FastStream's own Prometheus metrics and, when tracing is on, its OpenTelemetry spans."""
    middlewares: list[Any] = [KafkaPrometheusMiddleware(registry=registry)]
    if tracing_active():
        middlewares.append(KafkaTelemetryMiddleware())  # continues the trace in the headers
    return middlewares


class EventConsumer:
    """Handles one message at a time; its offset is committed only once ``handle`` returns."""

    def __init__(
        self,
        *,
        engine: Engine,
        settings: NotificationsSettings,
        common: CommonSettings,
        on_new_mail: Callable[[], None],
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._on_new_mail = on_new_mail
        self._failures: dict[Position, int] = {}
        # Events this process recorded in full, newest last: a redelivered one (every event of
        # the last minutes, after a broker that forgot) is acknowledged without the database.
        self._recorded: OrderedDict[uuid.UUID, str] = OrderedDict()
        self.started = asyncio.Event()
        # FastStream's own consumer metrics (received, processed by status, durations).
        self.metrics_registry = CollectorRegistry()
        self.broker = KafkaBroker(
            common.kafka_bootstrap_servers,
            client_id="cjp-notifications",
            logger=logging.getLogger(FASTSTREAM_LOGGER),  # JSON lines like every other
            # FastStream's "Received" / "Processed" line per message at DEBUG: `event_handled`
            # (with its topic, partition and offset) already says it, and writing the two as
            # JSON made working through a broker's replay of 1,000 copies take 1.5 s longer.
            log_level=logging.DEBUG,
            middlewares=consumer_middlewares(self.metrics_registry),
        )
        subscriber = self.broker.subscriber(
            *CONSUMED_TOPICS,
            group_id=settings.consumer_group,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset="earliest",
            session_timeout_ms=settings.consumer_session_timeout_ms,
            heartbeat_interval_ms=settings.consumer_heartbeat_interval_ms,
            fetch_max_wait_ms=settings.consumer_fetch_max_wait_ms,
            description="Change events that may concern subscribers",
        )

        async def on_change_event(message: KafkaMessage) -> None:
            await self.handle(message)

        subscriber(on_change_event)
        self.to_dead_letter = self.broker.publisher(
            DEAD_LETTER_TOPIC,
            description="Raw messages the group could not handle, with x-dead-letter-* headers",
        )

    async def handle(self, message: KafkaMessage) -> None:
        record = message.raw_message
        assert not isinstance(record, tuple)
        position: Position = (record.topic, record.partition, record.offset)
        try:
            envelope = parse_envelope(message.body)
            event = parse_event(envelope)
        except MalformedEvent as exc:
            await self._dead_letter(message, position, str(exc))
            return
        remember_event_trace(envelope.event_id)
        with structlog.contextvars.bound_contextvars(
            event_id=str(envelope.event_id),
            correlation_id=envelope.correlation_id,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        ):
            try:
                await self._record(envelope, event)
            except ReusedEventId as exc:
                await self._dead_letter(message, position, str(exc))
                return
            except Exception as exc:
                if is_database_unavailable(exc):
                    await self._after_database_away(exc)
                await self._after_failure(message, position, exc)
                return
            self._failures.pop(position, None)

    async def _record(self, envelope: EventEnvelope, event: TypedEvent[Any] | None) -> None:
        """The use case, in a worker thread; the sender is woken as each chunk commits."""
        if event is None:
            EVENTS.labels("ignored").inc()
            log.info("event_ignored", event_type=envelope.event_type)
            return
        content = _content_of(envelope)
        if self._recorded.get(envelope.event_id) == content:
            EVENTS.labels("duplicate").inc()
            log.info("event_handled", event_type=envelope.event_type, duplicate=True)
            return
        loop = asyncio.get_running_loop()
        result = await asyncio.to_thread(
            record_event,
            self._engine,
            consumer=self._settings.consumer_group,
            envelope=envelope,
            event=event,
            chunk_size=self._settings.matching_chunk_size,
            after_chunk=lambda: loop.call_soon_threadsafe(self._on_new_mail),
        )
        self._remember(envelope.event_id, content)
        EVENTS.labels("duplicate" if result.duplicate else "handled").inc()
        log.info(
            "event_handled",
            event_type=envelope.event_type,
            duplicate=result.duplicate,
            emails=result.emails,
            digest_entries=result.digest_entries,
        )
        if result.emails:
            self._on_new_mail()

    def _remember(self, event_id: uuid.UUID, content: str) -> None:
        self._recorded[event_id] = content
        self._recorded.move_to_end(event_id)
        while len(self._recorded) > RECORDED_EVENTS_KEPT:
            self._recorded.popitem(last=False)

    async def _after_database_away(self, exc: Exception) -> None:
        """The database is away (restarting, say): not the message's fault, so no attempt is
        counted. Wait until the database answers again, then nack: the message comes again."""
        HANDLING_FAILURES.inc()
        log.warning("event_handling_waits_for_database", error=str(exc)[:300])
        delay = 0.1
        while not await asyncio.to_thread(database_answers, self._engine):
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
        log.info("database_answers_again")
        raise exc  # not acked: FastStream seeks back and the message comes again

    async def _after_failure(
        self, message: KafkaMessage, position: Position, exc: Exception
    ) -> None:
        """Retry a bounded number of times (the message is redelivered); then dead-letter it."""
        attempts = self._failures.get(position, 0) + 1
        self._failures[position] = attempts
        HANDLING_FAILURES.inc()
        log.warning("event_handling_failed", attempt=attempts, error=str(exc))
        if attempts >= self._settings.consumer_max_attempts:
            self._failures.pop(position, None)
            await self._dead_letter(message, position, f"failed {attempts} times: {exc}")
            return
        await asyncio.sleep(self._settings.consumer_retry_base_seconds * 2 ** (attempts - 1))
        raise exc  # not acked: FastStream seeks back and the message comes again

    async def _dead_letter(self, message: KafkaMessage, position: Position, reason: str) -> None:
        topic, partition, offset = position
        headers = {key: str(value) for key, value in (message.headers or {}).items()}
        headers.update(
            {
                "x-dead-letter-reason": reason[:1000],
                "x-original-topic": topic,
                "x-original-partition": str(partition),
                "x-original-offset": str(offset),
                "x-consumer-group": self._settings.consumer_group,
            }
        )
        record = message.raw_message
        key = None if isinstance(record, tuple) else record.key
        try:
            await self.to_dead_letter.publish(message.body, key=key, headers=headers)
        except TOO_LARGE as exc:
            await self._set_aside(message.body, key, position, f"{reason}; {exc}")
            EVENTS.labels("set_aside").inc()
            return
        EVENTS.labels("dead_lettered").inc()
        log.warning("event_dead_lettered", topic=topic, offset=offset, reason=reason)

    async def _set_aside(self, raw: bytes, key: bytes | None, position: Position, why: str) -> None:
        """Too large even for the dead-letter topic: keep a reference and the reason, move on."""
        reason = f"too large for the dead-letter topic ({len(raw)} bytes): {why}"
        await asyncio.to_thread(
            set_aside,
            self._engine,
            consumer=self._settings.consumer_group,
            position=position,
            key=key,
            raw=raw,
            reason=reason,
        )
        log.error("message_set_aside", topic=position[0], offset=position[2], size=len(raw))
