"""Transactional outbox: events are written with the change and relayed to Kafka afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
import weakref
from datetime import UTC, datetime

import structlog
from aiokafka import AIOKafkaProducer
from sqlalchemy import Engine, text
from sqlmodel import Field, Session, SQLModel, col, select

from shared.db import is_postgres
from shared.events import EventEnvelope
from shared.kafka import ensure_topics, make_producer
from shared.settings import CommonSettings

log = structlog.get_logger()
# The relays running in this process, by the engine whose outbox they publish.
_relays: weakref.WeakKeyDictionary[Engine, set[OutboxRelay]] = weakref.WeakKeyDictionary()


def wake_relays_of(engine: Engine) -> None:
    """Ask this process's relays for ``engine`` to publish now (called after a commit)."""
    for relay in list(_relays.get(engine, ())):
        relay.wake()


class OutboxMessage(SQLModel, table=True):
    """An event waiting to be (or already) published; rows are relayed in ``id`` order."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    event_id: uuid.UUID = Field(unique=True)
    event_type: str
    topic: str
    key: str
    payload: str
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    published_at: datetime | None = Field(default=None, index=True)
    attempts: int = 0
    last_error: str | None = None


def add_to_outbox(session: Session, envelope: EventEnvelope, *, topic: str) -> None:
    """Stage an event in the caller's transaction; published only if that transaction commits."""
    session.add(
        OutboxMessage(
            event_id=envelope.event_id,
            event_type=envelope.event_type,
            topic=topic,
            key=envelope.aggregate_id,
            payload=envelope.model_dump_json(),
        )
    )


def pending_count(engine: Engine) -> int:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage.id).where(col(OutboxMessage.published_at).is_(None))
        )
        return len(rows.all())


class OutboxRelay:
    """Publishes unsent outbox rows in order, keyed by aggregate id, until the broker takes them.

    On PostgreSQL an advisory lock elects one relay per database, so replicas of a service
    can all run a relay without publishing the same row twice or out of order.
    """

    def __init__(
        self,
        *,
        engine: Engine,
        settings: CommonSettings,
        topics: list[str],
        lock_key: int,
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._topics = topics
        self._lock_key = lock_key
        self._producer: AIOKafkaProducer | None = None
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

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
        backoff = 0.5
        lock_connection = None
        self._loop = asyncio.get_running_loop()
        _relays.setdefault(self._engine, set()).add(self)
        try:
            while not self._stopping.is_set():
                try:
                    if lock_connection is None and is_postgres(self._engine):
                        lock_connection = await asyncio.to_thread(self._acquire_leadership)
                        if lock_connection is None:
                            await self._sleep(5.0)
                            continue
                    await self._ensure_producer()
                    published = await self.publish_pending()
                    backoff = 0.5
                    if published == 0:
                        await self._sleep(self._settings.outbox_poll_interval_seconds)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("outbox_relay_retrying", error=str(exc), retry_in=backoff)
                    await self._close_producer()
                    await self._sleep(backoff)
                    backoff = min(backoff * 2, 10.0)
        finally:
            _relays.get(self._engine, set()).discard(self)
            await self._close_producer()
            if lock_connection is not None:
                await asyncio.to_thread(lock_connection.close)

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publish one batch; stops at the first failure so per-key order is kept."""
        producer = await self._ensure_producer()
        rows = await asyncio.to_thread(self._fetch_batch)
        if rows:
            # A broker that restarted empty (Tansu's memory storage) has lost its topics; a
            # producer with cached metadata would write where no consumer reads. Re-assert them.
            await ensure_topics(self._settings, self._topics)
        published: list[int] = []
        try:
            for row in rows:
                await producer.send_and_wait(
                    row.topic, value=row.payload.encode(), key=row.key.encode()
                )
                assert row.id is not None
                published.append(row.id)
                log.debug("outbox_event_published", event_id=str(row.event_id), topic=row.topic)
        except Exception as exc:
            if len(published) < len(rows):
                failed = rows[len(published)]
                await asyncio.to_thread(self._record_failure, failed.id, str(exc))
            raise
        finally:
            if published:
                await asyncio.to_thread(self._mark_published, published)
        return len(published)

    def _fetch_batch(self) -> list[OutboxMessage]:
        with Session(self._engine, expire_on_commit=False) as session:
            statement = (
                select(OutboxMessage)
                .where(col(OutboxMessage.published_at).is_(None))
                .order_by(col(OutboxMessage.id))
                .limit(self._settings.outbox_batch_size)
            )
            return list(session.exec(statement).all())

    def _mark_published(self, ids: list[int]) -> None:
        now = datetime.now(UTC)
        with Session(self._engine) as session:
            for row in session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))):
                row.published_at = now
                row.attempts += 1
                session.add(row)
            session.commit()

    def _record_failure(self, row_id: int | None, error: str) -> None:
        with Session(self._engine) as session:
            row = session.get(OutboxMessage, row_id)
            if row is not None:
                row.attempts += 1
                row.last_error = error[:500]
                session.add(row)
                session.commit()

    def _acquire_leadership(self):  # type: ignore[no-untyped-def]
        connection = self._engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._lock_key})
        if got.scalar():
            connection.commit()
            return connection
        connection.close()
        return None

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            await ensure_topics(self._settings, self._topics)
            producer = make_producer(self._settings)
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
            log.info("outbox_relay_connected", bootstrap=self._settings.kafka_bootstrap_servers)
        return self._producer

    async def _close_producer(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            try:
                await producer.stop()
            except Exception as exc:
                log.debug("outbox_producer_stop_failed", error=str(exc))

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()
