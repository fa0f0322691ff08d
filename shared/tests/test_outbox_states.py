"""Outbox row states: a failed row holds back only its own key; lost rows are queued again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from shared.db import make_engine
from shared.events import new_event
from shared.outbox_rows import (
    OutboxMessage,
    OutboxState,
    PendingRow,
    Published,
    failed_rows,
    next_batch,
    outbox_stats,
    prune_published,
    published_partitions,
    record_failure,
    record_published,
    requeue_forgotten,
    retry_failed,
)
from shared.unit_of_work import UnitOfWork


class _Changed(BaseModel):
    sequence: int


def _engine(url: str) -> Engine:
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine, tables=[OutboxMessage.__table__])  # type: ignore[attr-defined]
    return engine


def _stage(engine: Engine, keys: str) -> list[int]:
    """One event per character of ``keys`` (its aggregate), in that order; returns row ids."""
    with UnitOfWork(engine) as uow:
        for sequence, key in enumerate(keys):
            envelope = new_event(
                event_type="Changed", source="test", aggregate_id=key,
                data=_Changed(sequence=sequence),
            )  # fmt: skip
            uow.publish(envelope, topic="t")
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage.id).order_by(col(OutboxMessage.id))))  # type: ignore[arg-type]


def _keys(rows: list[PendingRow]) -> str:
    return "".join(row.key for row in rows)


def test_a_row_set_aside_holds_back_only_later_rows_of_its_key(database_url: str) -> None:
    engine = _engine(database_url)
    ids = _stage(engine, "ABAB")
    record_failure(engine, ids[0], "MessageSizeTooLargeError: too big", set_aside=True)
    assert _keys(next_batch(engine, limit=10)) == "BB"
    [failed] = failed_rows(engine)
    assert (failed.id, failed.state, failed.attempts) == (ids[0], OutboxState.FAILED, 1)
    assert "MessageSizeTooLarge" in (failed.last_error or "")
    stats = outbox_stats(engine)
    assert (stats.pending, stats.failed) == (3, 1)
    assert retry_failed(engine) == 1
    assert _keys(next_batch(engine, limit=10)) == "ABAB"
    assert outbox_stats(engine).failed == 0


def test_an_attempt_that_is_not_the_last_keeps_the_row_pending(database_url: str) -> None:
    engine = _engine(database_url)
    ids = _stage(engine, "AB")
    record_failure(engine, ids[0], "refused", set_aside=False)
    assert _keys(next_batch(engine, limit=10)) == "AB"
    assert outbox_stats(engine).failed == 0


def _publish(engine: Engine, ids: list[int], offsets: list[int]) -> int:
    return record_published(
        engine, [Published(row, "t", 0, offset) for row, offset in zip(ids, offsets, strict=True)]
    )


def test_rows_past_the_high_water_mark_are_queued_again_in_order(database_url: str) -> None:
    engine = _engine(database_url)
    ids = _stage(engine, "ABCD")
    assert _publish(engine, ids, [0, 1, 2, 3]) == 0
    assert next_batch(engine, limit=10) == []
    assert published_partitions(engine) == {("t", 0)}
    assert requeue_forgotten(engine, {("t", 0): 4}) == 0, "the broker still holds all four"
    assert requeue_forgotten(engine, {("t", 0): 2}) == 2, "it kept only the first two"
    assert _keys(next_batch(engine, limit=10)) == "CD"


def test_an_offset_given_twice_shows_the_broker_forgot_the_first_holder(
    database_url: str,
) -> None:
    engine = _engine(database_url)
    ids = _stage(engine, "ABCD")
    _publish(engine, ids[:3], [0, 1, 2])
    # The broker restarted empty: the next row gets offset 0 again.
    assert _publish(engine, ids[3:], [0]) == 3
    assert _keys(next_batch(engine, limit=10)) == "ABC"
    assert outbox_stats(engine).pending == 3


def test_published_rows_are_pruned_after_the_retention_window(database_url: str) -> None:
    engine = _engine(database_url)
    ids = _stage(engine, "AB")
    _publish(engine, ids[:1], [0])
    assert prune_published(engine, before=datetime.now(UTC) - timedelta(hours=1)) == 0
    assert prune_published(engine, before=datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert _keys(next_batch(engine, limit=10)) == "B", "pending rows are never pruned"
