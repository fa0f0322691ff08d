"""Outbox rows and what may happen to them: staged, published, failed, replayed, pruned.

A row is ``pending`` until the broker acknowledges it (then ``published``, with the partition and
offset the broker gave it) or until it has failed for good (``failed``, with its reason). A failed
row holds back only the later rows of its own topic and key, so per-key order is kept while every
other aggregate's events flow. Published rows are kept for a retention window so that a broker
that forgets them can be given them again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import Engine, Index, bindparam, exists, func, insert, update
from sqlmodel import Field, Session, SQLModel, col, delete, select

from shared.events import EventEnvelope
from shared.outbox_readback import Placed
from shared.settings import CommonSettings

UNREAD_INDEX = "ix_outbox_message_unread"
POSITION_INDEX = "ix_outbox_message_position"


class OutboxState(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    FAILED = "failed"


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
    state: str = Field(default=OutboxState.PENDING.value, index=True)
    # Where the broker said it stored the row; compared with its high-water marks later.
    kafka_partition: int | None = None
    kafka_offset: int | None = None
    # When the relay read the row back from the broker where it was put (None: not yet).
    read_back_at: datetime | None = None

    __table_args__ = (
        # The rows still to read back: published and unread, newest last.
        Index(UNREAD_INDEX, "state", "read_back_at", "published_at"),
        # Rows by where the broker put them: each acknowledgement asks for rows at or past its
        # offset (normally none). Without it, SQLite and PostgreSQL read every published row.
        Index(POSITION_INDEX, "topic", "kafka_partition", "kafka_offset"),
    )


@dataclass(frozen=True, slots=True)
class PendingRow:
    """A row the relay is to publish: what it sends, and the id it records it under."""

    id: int
    event_id: uuid.UUID
    topic: str
    key: str
    payload: str


@dataclass(frozen=True)
class Published:
    """The broker's acknowledgement of one row."""

    row_id: int
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class OutboxStats:
    pending: int
    failed: int
    oldest_pending_age_seconds: float
    unread: int = 0  # published within the read-back window, not yet read back from the broker
    oldest_unread_age_seconds: float = 0.0


_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]


def add_to_outbox(session: Session, envelope: EventEnvelope, *, topic: str) -> None:
    """Stage an event in the caller's transaction (``UnitOfWork`` does this on commit)."""
    add_all_to_outbox(session, [(envelope, topic)])


def add_all_to_outbox(session: Session, events: list[tuple[EventEnvelope, str]]) -> None:
    """Stage events, in order, in the caller's transaction: one INSERT (executemany) for all.

    Written as plain rows, not ORM objects: a sender recording a few hundred emails a second
    stages an event for each, and building (and validating) an ORM object per event cost more
    than the INSERT itself (profiled in bench/notifications_fanout.py).
    """
    if not events:
        return
    now = datetime.now(UTC)
    rows = [
        {
            "event_id": envelope.event_id,
            "event_type": envelope.event_type,
            "topic": topic,
            "key": envelope.aggregate_id,
            "payload": envelope.model_dump_json(),
            "created_at": now,
            "attempts": 0,
            "state": OutboxState.PENDING.value,
        }
        for envelope, topic in events
    ]
    session.connection().execute(insert(_OUTBOX), rows)


def _in_state(state: OutboxState):  # type: ignore[no-untyped-def]
    return col(OutboxMessage.state) == state.value


def pending_count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).where(_in_state(OutboxState.PENDING))).one())


_READ_BACK_WINDOW = float(CommonSettings.model_fields["outbox_readback_window_seconds"].default)


def outbox_stats(
    engine: Engine, *, now: datetime | None = None, read_back_window: float = _READ_BACK_WINDOW
) -> OutboxStats:
    """Pending, failed and unread rows and the ages of the oldest (0 when none), for metrics."""
    now = now or datetime.now(UTC)
    with Session(engine) as session:
        pending, oldest = session.exec(
            select(func.count(), func.min(OutboxMessage.created_at)).where(
                _in_state(OutboxState.PENDING)
            )
        ).one()
        failed = session.exec(select(func.count()).where(_in_state(OutboxState.FAILED))).one()
        unread, oldest_unread = session.exec(
            select(func.count(), func.min(OutboxMessage.published_at)).where(
                _in_state(OutboxState.PUBLISHED),
                col(OutboxMessage.read_back_at).is_(None),
                col(OutboxMessage.published_at) >= now - timedelta(seconds=read_back_window),
            )
        ).one()
    return OutboxStats(
        pending=int(pending),
        failed=int(failed),
        oldest_pending_age_seconds=_age(oldest, now),
        unread=int(unread),
        oldest_unread_age_seconds=_age(oldest_unread, now),
    )


def _age(moment: datetime | None, now: datetime) -> float:
    if moment is None:
        return 0.0
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return max((now - moment).total_seconds(), 0.0)


def failed_rows(engine: Engine, *, limit: int = 100) -> list[OutboxMessage]:
    """Rows set aside for good, oldest first, each with its reason in ``last_error``."""
    with Session(engine) as session:
        statement = (
            select(OutboxMessage)
            .where(_in_state(OutboxState.FAILED))
            .order_by(col(OutboxMessage.id))
            .limit(limit)
        )
        return list(session.exec(statement).all())


def retry_failed(engine: Engine, ids: list[int] | None = None) -> int:
    """Put failed rows (all, or those in ``ids``) back in the queue with fresh attempts."""
    statement = update(OutboxMessage).where(_in_state(OutboxState.FAILED))
    if ids is not None:
        statement = statement.where(col(OutboxMessage.id).in_(ids))
    with Session(engine) as session:
        result = session.exec(statement.values(state=OutboxState.PENDING.value, attempts=0))
        session.commit()
        return int(result.rowcount)


_FAILED = _OUTBOX.alias("failed").c
# Built once: the relay runs both on every batch, and building them each time showed in its
# profile beside running them (3.4% of a fan-out's samples for the requeue check).
_NEXT_BATCH = (
    sa.select(_OUTBOX.c.id, _OUTBOX.c.event_id, _OUTBOX.c.topic, _OUTBOX.c.key, _OUTBOX.c.payload)
    .where(
        _OUTBOX.c.state == OutboxState.PENDING.value,
        ~exists().where(  # held back behind a failed row of the same topic and key
            _FAILED.state == OutboxState.FAILED.value,
            _FAILED.topic == _OUTBOX.c.topic,
            _FAILED.key == _OUTBOX.c.key,
            _FAILED.id < _OUTBOX.c.id,
        ),
    )
    .order_by(_OUTBOX.c.id)
    .limit(bindparam("limit", type_=sa.Integer))
)


def next_batch(engine: Engine, *, limit: int) -> list[PendingRow]:
    """Pending rows in order, leaving out those behind a failed row of the same topic and key.

    Read as plain rows (a table ``SELECT``): ORM objects for each cost 6.3% of a sender's samples,
    and the relay only reads five columns.
    """
    with engine.connect() as connection:
        return [PendingRow(*row) for row in connection.execute(_NEXT_BATCH, {"limit": limit})]


def record_published(engine: Engine, acknowledged: list[Published]) -> int:
    """Mark rows published where the broker put them; returns how many older rows it forgot.

    Offsets only grow on a partition that kept its data. A new row stored at or below an offset
    an older row was given means the broker lost that older row: it goes back in the queue.
    """
    now, replayed = datetime.now(UTC), 0
    with Session(engine) as session:
        for (topic, partition), lowest in _lowest_offsets(acknowledged).items():
            replayed += _requeue(session, topic, partition, from_offset=lowest)
        if acknowledged:
            rows = [
                {"row": a.row_id, "at": now, "part": a.partition, "off": a.offset}
                for a in acknowledged
            ]
            session.connection().execute(_MARK_PUBLISHED, rows)  # one executemany
        session.commit()
    return replayed


_MARK_PUBLISHED = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row"))
    .values(
        state=OutboxState.PUBLISHED.value,
        published_at=bindparam("at"),
        attempts=_OUTBOX.c.attempts + 1,
        kafka_partition=bindparam("part"),
        kafka_offset=bindparam("off"),
        read_back_at=None,
    )
)


def _lowest_offsets(acknowledged: list[Published]) -> dict[tuple[str, int], int]:
    lowest: dict[tuple[str, int], int] = {}
    for ack in acknowledged:
        where = (ack.topic, ack.partition)
        lowest[where] = min(ack.offset, lowest.get(where, ack.offset))
    return lowest


# A published row put back in the queue: no longer anywhere on the broker.
_BACK_IN_QUEUE = {
    "state": OutboxState.PENDING.value,
    "published_at": None,
    "kafka_partition": None,
    "kafka_offset": None,
    "read_back_at": None,
}
# A table ``UPDATE``, run on the session's connection: the ORM's bulk update (which keeps a
# session's objects in step, and there are none) cost 7.6% of a sender's samples.
_REQUEUE = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.state == OutboxState.PUBLISHED.value,
        _OUTBOX.c.topic == bindparam("in_topic"),
        _OUTBOX.c.kafka_partition == bindparam("in_partition"),
        _OUTBOX.c.kafka_offset >= bindparam("from_offset"),
    )
    .values(**_BACK_IN_QUEUE)
)


def _requeue(session: Session, topic: str, partition: int, *, from_offset: int) -> int:
    where = {"in_topic": topic, "in_partition": partition, "from_offset": from_offset}
    return int(session.connection().execute(_REQUEUE, where).rowcount)


def requeue_forgotten(engine: Engine, high_water: dict[tuple[str, int], int]) -> int:
    """Published rows at or past their partition's high-water mark were lost: queue them again."""
    with Session(engine) as session:
        replayed = sum(
            _requeue(session, topic, partition, from_offset=mark)
            for (topic, partition), mark in high_water.items()
        )
        session.commit()
    return replayed


def unread_published(engine: Engine, *, since: datetime) -> list[Placed]:
    """Rows published since ``since`` and not yet read back, with where the broker put them.

    Found by the (state, read_back_at, published_at) index: the cost is the rows still to read
    back, not every row of the window. (Keeping the rows read back in the relay's memory cost it
    a set of the whole window each time: 11% of a sender's time while it sent 20,000 emails.)
    """
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(
                _in_state(OutboxState.PUBLISHED),
                col(OutboxMessage.read_back_at).is_(None),
                col(OutboxMessage.published_at) >= since,
                col(OutboxMessage.kafka_offset).is_not(None),
            )
            .order_by(col(OutboxMessage.id))
        ).all()
    return [_placed(row) for row in rows if row.kafka_offset is not None]


def mark_read_back(engine: Engine, confirmed: list[Placed]) -> None:
    """Note rows read back as sent, each only while it is still where it was read."""
    if not confirmed:
        return
    now = datetime.now(UTC)
    rows = [{"row": p.row_id, "part": p.partition, "off": p.offset, "at": now} for p in confirmed]
    with Session(engine) as session:
        session.connection().execute(_MARK_READ_BACK, rows)  # one executemany
        session.commit()


_MARK_READ_BACK = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id == bindparam("row"),
        _OUTBOX.c.state == OutboxState.PUBLISHED.value,
        _OUTBOX.c.kafka_partition == bindparam("part"),
        _OUTBOX.c.kafka_offset == bindparam("off"),
    )
    .values(read_back_at=bindparam("at"))
)


def _placed(row: OutboxMessage) -> Placed:
    assert row.id is not None and row.kafka_partition is not None and row.kafka_offset is not None
    return Placed(row.id, row.topic, row.kafka_partition, row.kafka_offset, row.payload.encode())


def requeue_placed(engine: Engine, placed: list[Placed]) -> int:
    """Queue again rows the broker acknowledged but does not serve, if still where it put them."""
    with Session(engine) as session:
        requeued = 0
        for row in placed:
            result = session.exec(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.id) == row.row_id,
                    _in_state(OutboxState.PUBLISHED),
                    col(OutboxMessage.kafka_partition) == row.partition,
                    col(OutboxMessage.kafka_offset) == row.offset,
                )
                .values(**_BACK_IN_QUEUE)
            )
            requeued += int(result.rowcount)
        session.commit()
    return requeued


def published_partitions(engine: Engine) -> set[tuple[str, int]]:
    """The (topic, partition) pairs that hold rows we still keep as published."""
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage.topic, OutboxMessage.kafka_partition)
            .where(
                _in_state(OutboxState.PUBLISHED), col(OutboxMessage.kafka_partition).is_not(None)
            )
            .distinct()
        ).all()
    return {(topic, int(partition)) for topic, partition in rows if partition is not None}


def record_failure(engine: Engine, row_id: int, error: str, *, set_aside: bool) -> None:
    """Count a failed attempt; ``set_aside`` marks the row failed for good (held back per key)."""
    values: dict[str, object] = {
        "attempts": OutboxMessage.attempts + 1,
        "last_error": error[:500],
    }
    if set_aside:
        values["state"] = OutboxState.FAILED.value
    with Session(engine) as session:
        session.exec(update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(**values))
        session.commit()


def attempts_of(engine: Engine, row_id: int) -> int:
    with Session(engine) as session:
        row = session.get(OutboxMessage, row_id)
        return row.attempts if row is not None else 0


def prune_published(engine: Engine, *, before: datetime) -> int:
    """Delete published rows older than the retention window; returns how many."""
    with Session(engine) as session:
        result = session.exec(
            delete(OutboxMessage).where(
                _in_state(OutboxState.PUBLISHED), col(OutboxMessage.published_at) < before
            )
        )
        session.commit()
        return int(result.rowcount)
