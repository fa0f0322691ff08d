"""The outbox loses nothing across a broker outage; the inbox makes a second handling impossible."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer
from pydantic import BaseModel
from sqlalchemy import Engine, event, update
from sqlmodel import Session, SQLModel, col, select

from shared.db import make_engine, transaction
from shared.events import EventEnvelope, new_event
from shared.inbox import InboxMessage, claim_event
from shared.outbox import OutboxMessage, OutboxRelay, add_to_outbox, pending_count
from shared.outbox_rows import POSITION_INDEX, Published, record_published, unread_published
from shared.settings import CommonSettings


class _Changed(BaseModel):
    number: int
    sequence: int


def _engine(url: str) -> Engine:
    engine = make_engine(url)
    SQLModel.metadata.create_all(
        engine,
        tables=[OutboxMessage.__table__, InboxMessage.__table__],  # type: ignore[attr-defined]
    )
    return engine


def _stage(engine: Engine, topic: str, key: str, count: int) -> list[uuid.UUID]:
    ids = []
    with transaction(engine) as session:
        for sequence in range(count):
            envelope = new_event(
                event_type="DeliverableStatusChanged",
                source="test",
                aggregate_id=key,
                data=_Changed(number=int(key), sequence=sequence),
            )
            add_to_outbox(session, envelope, topic=topic)
            ids.append(envelope.event_id)
    return ids


async def _consume(bootstrap: str, topic: str, count: int) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"g-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    received = []
    try:
        async with asyncio.timeout(30):
            async for message in consumer:
                received.append(message)
                if len(received) == count:
                    break
    finally:
        await consumer.stop()
    return received


async def _run_until_all_read_back(relay: OutboxRelay, engine: Engine, *, seconds: float) -> None:
    """Run ``relay`` until every row is published and found again at the broker, then stop it."""
    since = datetime.now(UTC) - timedelta(minutes=5)
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(seconds):
            while pending_count(engine) or unread_published(engine, since=since):
                await asyncio.sleep(0.1)
    finally:
        await relay.stop()
        await task


def test_rolled_back_change_leaves_no_outbox_row(database_url: str) -> None:
    engine = _engine(database_url)
    try:
        with transaction(engine) as session:
            envelope = new_event(
                event_type="X", source="test", aggregate_id="1", data=_Changed(number=1, sequence=0)
            )
            add_to_outbox(session, envelope, topic="t")
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert pending_count(engine) == 0


async def test_relay_publishes_in_order_with_the_aggregate_as_key(
    database_url: str, kafka_broker: Any
) -> None:
    engine = _engine(database_url)
    topic = f"test.outbox.{uuid.uuid4().hex[:8]}"
    ids = _stage(engine, topic, "40", 5)
    settings = CommonSettings(kafka_bootstrap_servers=kafka_broker.bootstrap)
    relay = OutboxRelay(engine=engine, settings=settings, topics=[topic], lock_key=7001)
    task = asyncio.create_task(relay.run())
    try:
        received = await _consume(kafka_broker.bootstrap, topic, 5)
    finally:
        await relay.stop()
        await task
    envelopes = [EventEnvelope.from_bytes(message.value) for message in received]
    assert [envelope.event_id for envelope in envelopes] == ids
    assert {message.key for message in received} == {b"40"}
    assert pending_count(engine) == 0


async def test_a_quiet_relay_publishes_at_once_and_a_stream_of_commits_shares_a_cycle(
    database_url: str, kafka_broker: Any
) -> None:
    """The first commit after a quiet spell goes at once; the commits made while the relay
    lingers after it go out together, one linger later (not a cycle each)."""
    engine = _engine(database_url)
    topic = f"test.linger.{uuid.uuid4().hex[:8]}"
    linger = 1.0
    settings = CommonSettings(
        kafka_bootstrap_servers=kafka_broker.bootstrap,
        outbox_linger_seconds=linger,
        outbox_poll_interval_seconds=30,  # only a wake makes it look
    )
    relay = OutboxRelay(engine=engine, settings=settings, topics=[topic], lock_key=7004)
    task = asyncio.create_task(relay.run())
    try:
        _stage(engine, topic, "1", 1)  # the relay is connected and has published once
        relay.wake()
        await _consume(kafka_broker.bootstrap, topic, 1)
        await asyncio.sleep(linger + 0.5)  # quiet again

        committed_first = time.time()
        _stage(engine, topic, "2", 1)
        relay.wake()
        for key in "345":
            await asyncio.sleep(0.05)
            _stage(engine, topic, key, 1)
            relay.wake()
        received = await _consume(kafka_broker.bootstrap, topic, 5)
    finally:
        await relay.stop()
        await task
    sent_at = {message.key: message.timestamp / 1000 for message in received}
    assert sent_at[b"2"] - committed_first < linger / 2, "the first commit waits for nothing"
    later = [sent_at[key] for key in (b"3", b"4", b"5")]
    assert min(later) - sent_at[b"2"] >= linger * 0.9, "the next commits waited for the linger"
    assert max(later) - min(later) < linger / 4, "and went out in one cycle"


async def test_a_lingering_relay_still_reads_back_soon_what_it_just_published(
    database_url: str, kafka_broker: Any
) -> None:
    """Rows of a batch that was not full are read back ``outbox_readback_delay_seconds`` after
    they were sent, not only at the next verify."""
    engine = _engine(database_url)
    topic = f"test.readback-soon.{uuid.uuid4().hex[:8]}"
    _stage(engine, topic, "43", 2)
    settings = CommonSettings(
        kafka_bootstrap_servers=kafka_broker.bootstrap,
        outbox_readback_delay_seconds=0.05,
        outbox_verify_interval_seconds=600,  # the verify does not come within this test
    )
    relay = OutboxRelay(engine=engine, settings=settings, topics=[topic], lock_key=7005)
    await _run_until_all_read_back(relay, engine, seconds=10)


async def test_event_committed_while_broker_is_down_is_published_when_it_returns(
    sqlite_database_url: str,
) -> None:
    from conftest import TansuBroker, free_port

    engine = _engine(sqlite_database_url)
    broker = TansuBroker(free_port())  # not started: the broker is down
    topic = "test.outage"
    settings = CommonSettings(kafka_bootstrap_servers=broker.bootstrap)
    relay = OutboxRelay(engine=engine, settings=settings, topics=[topic], lock_key=7002)
    task = asyncio.create_task(relay.run())
    try:
        [event_id] = _stage(engine, topic, "12", 1)
        relay.wake()
        await asyncio.sleep(1.5)
        assert pending_count(engine) == 1, "nothing can be published while the broker is down"
        broker.start()
        [message] = await _consume(broker.bootstrap, topic, 1)
        assert EventEnvelope.from_bytes(message.value).event_id == event_id
        for _ in range(50):
            if pending_count(engine) == 0:
                break
            await asyncio.sleep(0.1)
        assert pending_count(engine) == 0
    finally:
        await relay.stop()
        await task
        broker.stop()


def test_inbox_claims_an_event_once(database_url: str) -> None:
    engine = _engine(database_url)
    envelope = new_event(
        event_type="X", source="test", aggregate_id="1", data=_Changed(number=1, sequence=0)
    )
    with transaction(engine) as session:
        assert claim_event(session, consumer="notifications", envelope=envelope) is True
    with transaction(engine) as session:
        assert claim_event(session, consumer="notifications", envelope=envelope) is False
        # another consumer group has its own view of the same event
        assert claim_event(session, consumer="audit", envelope=envelope) is True
    with Session(engine) as session:
        assert session.get(InboxMessage, ("notifications", envelope.event_id)) is not None


async def test_relay_reads_each_row_back_once_and_sends_again_a_row_the_broker_does_not_serve(
    database_url: str, kafka_broker: Any
) -> None:
    engine = _engine(database_url)
    topic = f"test.readback.{uuid.uuid4().hex[:8]}"
    _stage(engine, topic, "41", 3)
    settings = CommonSettings(
        kafka_bootstrap_servers=kafka_broker.bootstrap, outbox_readback_delay_seconds=0.05
    )
    relay = OutboxRelay(engine=engine, settings=settings, topics=[topic], lock_key=7003)
    since = datetime.now(UTC) - timedelta(minutes=5)
    await _run_until_all_read_back(relay, engine, seconds=20)
    with Session(engine) as session:
        rows = list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))
    assert all(row.read_back_at is not None for row in rows), "every row was read back"

    # The broker's word for two rows turns out wrong: each record is at the other's offset.
    first, second, third = rows
    with transaction(engine) as session:
        for row, offset in ((first, second.kafka_offset), (second, first.kafka_offset)):
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row.id)
                .values(kafka_offset=offset, read_back_at=None)
            )
    unread = unread_published(engine, since=since)
    assert [placed.row_id for placed in unread] == [first.id, second.id], "only those two"

    assert await relay.check_broker() == 2, "both are queued again; the third is not re-read"
    with Session(engine) as session:
        states = {row.id: row.state for row in session.exec(select(OutboxMessage))}
    assert states == {first.id: "pending", second.id: "pending", third.id: "published"}


def test_checking_an_acknowledgement_reads_no_published_row_it_does_not_need(
    database_url: str,
) -> None:
    """Each acknowledgement asks for rows at or past its offset: by index, not by every row.

    Before the position index this read every published row once per acknowledgement, which
    grew with the outbox (16.5% of a fan-out to 10,000 subscribers). The very statement the relay
    sends is captured and its plan read, then what it requeues is checked.
    """
    engine = _engine(database_url)
    now = datetime.now(UTC)
    rows = [
        {"event_id": uuid.uuid4(), "event_type": "EmailDelivered", "topic": "email-events",
         "key": str(n % 7), "payload": "{}", "created_at": now, "published_at": now,
         "attempts": 1, "state": "published", "kafka_partition": 0, "kafka_offset": n}
        for n in range(3_000)
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(OutboxMessage.__table__.insert(), rows)  # type: ignore[attr-defined]
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE outbox_message")
    first, second = _stage(engine, "email-events", "7", 2)
    with Session(engine) as session:
        ids = {
            m.event_id: m.id
            for m in session.exec(select(OutboxMessage).where(OutboxMessage.state == "pending"))
        }
    sent: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.startswith("UPDATE outbox_message") and "kafka_offset >=" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        acknowledged = Published(ids[first] or 0, "email-events", 0, 3_000)
        assert record_published(engine, [acknowledged]) == 0
        # An offset handed out again: the rows from there on were lost by the broker.
        assert (
            record_published(engine, [Published(ids[second] or 0, "email-events", 0, 2_990)]) == 11
        )
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = sent[0]
    explain = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(explain + statement, parameters)
        plan = " ".join(str(row) for row in cursor.fetchall())
    finally:
        raw.close()
    assert POSITION_INDEX in plan, plan
