"""The unit of work: events reach the outbox only with their change, and the relay hears at once."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from shared.db import make_engine
from shared.events import EventEnvelope, new_event
from shared.outbox import OutboxMessage, OutboxRelay
from shared.settings import CommonSettings
from shared.tests.test_outbox_and_inbox import _consume
from shared.unit_of_work import FakeUnitOfWork, StagedEvent, UnitOfWork


class _Counter(SQLModel, table=True):
    __tablename__ = "uow_test_counter"

    id: int = Field(primary_key=True)
    value: int = 0


class _Counted(BaseModel):
    value: int


def _engine(url: str) -> Engine:
    engine = make_engine(url)
    tables = [OutboxMessage.__table__, _Counter.__table__]  # type: ignore[attr-defined]
    SQLModel.metadata.create_all(engine, tables=tables)
    return engine


def _event(value: int) -> EventEnvelope:
    return new_event(
        event_type="CounterIncremented", source="test", aggregate_id="1", data=_Counted(value=value)
    )


def increment(uow: UnitOfWork, *, fail_after_staging: bool = False) -> int:
    """A use case: bump the counter and announce it; fails on demand after staging its event."""
    with uow:
        counter = uow.session.get(_Counter, 1) or _Counter(id=1)
        counter.value += 1
        uow.session.add(counter)
        uow.publish(_event(counter.value), topic="counters")
        if fail_after_staging:
            raise RuntimeError("the change failed")
        return counter.value


def _outbox(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def test_committed_events_reach_the_outbox_in_the_order_they_were_staged(
    database_url: str,
) -> None:
    engine = _engine(database_url)
    with UnitOfWork(engine) as uow:
        staged = [_event(value) for value in (1, 2, 3)]
        for envelope in staged:
            uow.publish(envelope, topic="counters")
        assert _outbox(engine) == [], "nothing is written before the commit"
    rows = _outbox(engine)
    assert [row.event_id for row in rows] == [envelope.event_id for envelope in staged]
    assert {(row.topic, row.key) for row in rows} == {("counters", "1")}
    assert [staged.envelope for staged in uow.committed_events] == staged


def test_a_failed_use_case_leaves_neither_its_change_nor_its_event(database_url: str) -> None:
    engine = _engine(database_url)
    assert increment(UnitOfWork(engine)) == 1
    with pytest.raises(RuntimeError):
        increment(UnitOfWork(engine), fail_after_staging=True)
    with Session(engine) as session:
        assert session.get(_Counter, 1).value == 1  # type: ignore[union-attr]
    assert len(_outbox(engine)) == 1


def test_one_unit_of_work_serves_several_transactions_in_turn(sqlite_database_url: str) -> None:
    engine = _engine(sqlite_database_url)
    uow = UnitOfWork(engine)
    assert [increment(uow), increment(uow)] == [1, 2]
    with uow, pytest.raises(RuntimeError, match="do not nest"):
        uow.__enter__()


def test_staging_outside_an_open_unit_of_work_is_refused() -> None:
    with pytest.raises(RuntimeError, match="Open the unit of work"):
        FakeUnitOfWork().publish(_event(1), topic="counters")


def test_the_fake_records_commits_rollbacks_and_committed_events_only() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(RuntimeError):
        increment_without_tables(uow, fail=True)
    increment_without_tables(uow, fail=False)
    assert (uow.commits, uow.rollbacks) == (1, 1)
    assert uow.event_types() == ["CounterIncremented"]


def increment_without_tables(uow: UnitOfWork, *, fail: bool) -> None:
    with uow:
        uow.publish(_event(7), topic="counters")
        if fail:
            raise RuntimeError("refused")


def test_the_fake_runs_a_use_case_over_an_in_memory_database() -> None:
    engine = _engine("sqlite://")
    uow = FakeUnitOfWork(session_factory=lambda: Session(engine, expire_on_commit=False))
    assert [increment(uow), increment(uow)] == [1, 2]
    assert [staged.envelope.data["value"] for staged in uow.published] == [1, 2]
    assert _outbox(engine) == [], "the fake keeps events in memory"


class _Aggregate:
    def __init__(self) -> None:
        self.events = [StagedEvent(_event(1), "counters"), StagedEvent(_event(2), "counters")]

    def pop_events(self) -> list[StagedEvent]:
        events, self.events = self.events, []
        return events


def test_collect_stages_what_an_aggregate_recorded_once() -> None:
    uow, aggregate = FakeUnitOfWork(), _Aggregate()
    with uow:
        uow.collect(aggregate)
        uow.collect(aggregate)
    assert [staged.envelope.data["value"] for staged in uow.published] == [1, 2]


async def test_a_commit_in_a_worker_thread_wakes_the_relay_at_once(
    sqlite_database_url: str, kafka_broker: Any
) -> None:
    """Routes run in threads; with a 60 s poll only the wake-up can deliver within seconds."""
    engine = _engine(sqlite_database_url)
    topic = f"test.uow.{uuid.uuid4().hex[:8]}"
    settings = CommonSettings(
        kafka_bootstrap_servers=kafka_broker.bootstrap, outbox_poll_interval_seconds=60
    )
    relay = OutboxRelay(engine=engine, settings=settings, topics=[topic], lock_key=7101)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(1.0)  # the relay is connected and asleep
        staged = _event(1)

        def use_case() -> None:
            with UnitOfWork(engine) as uow:
                uow.publish(staged, topic=topic)

        worker = threading.Thread(target=use_case)
        started = time.monotonic()
        worker.start()
        while not [row for row in _outbox(engine) if row.published_at is not None]:
            assert time.monotonic() - started < 10, "the relay was not woken"
            await asyncio.sleep(0.02)
        waited = time.monotonic() - started
        worker.join()
        [message] = await asyncio.wait_for(_consume(kafka_broker.bootstrap, topic, 1), 20)
    finally:
        await relay.stop()
        await task
    assert EventEnvelope.from_bytes(message.value).event_id == staged.event_id
    print(f"event published {waited:.2f} s after the commit (poll interval 60 s)")
    assert waited < 5
