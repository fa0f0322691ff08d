"""The SQL that matches an event to subscriptions and records deliveries, set-based.

Nothing is loaded into Python: a chunk of subscribers (a keyset range of subscriber ids) is
matched and its deliveries inserted by ``INSERT ... SELECT`` in the database, so memory does not
grow with the audience. Each target is its own branch of a ``UNION ALL``, so every branch is one
range scan of ``ix_subscription_match`` (kind, value, status, subscriber id), already in
subscriber order; ``ON CONFLICT DO NOTHING`` on (subscriber, event) makes a chunk idempotent.

Statements are built once per audience *shape* (how many targets, which match any value, whether
the chunk has an upper end) with bound parameters, and reused: building and hashing a statement
of five ``UNION ALL`` branches costs more Python time than the database needs to run it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Insert,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from services.notifications.adapters.tables import (
    Delivery,
    DeliveryKind,
    DeliveryState,
    DigestEntry,
    Frequency,
    Subscriber,
    Subscription,
    SubscriptionStatus,
)
from services.notifications.domain.targets import Audience

# Several matching subscriptions still make one message: the most immediate one wins, then the
# oldest subscription.
_SPEED = case(
    (col(Subscription.frequency) == Frequency.IMMEDIATELY.value, 0),
    (col(Subscription.frequency) == Frequency.DAILY.value, 1),
    else_=2,
)


@dataclass(frozen=True)
class Chunk:
    """Subscribers with ids in (after, upto]; ``upto`` None means every id after ``after``."""

    after: int
    upto: int | None


@dataclass(frozen=True)
class Shape:
    """What a statement's text depends on; the values themselves are parameters."""

    any_value: tuple[bool, ...]  # per target: does it match every value of its kind?
    bounded: bool  # does the chunk have an upper end?
    dialect: str

    @classmethod
    def of(cls, audience: Audience, chunk: Chunk, dialect: str) -> Shape:
        any_value = tuple(value is None for _, value in audience.targets)
        return cls(any_value, chunk.upto is not None, dialect)


def parameters(audience: Audience, chunk: Chunk, **more: Any) -> dict[str, Any]:
    """The values for a statement of ``Shape.of(audience, chunk, ...)``."""
    values: dict[str, Any] = {
        "transitions": sorted(str(t) for t in audience.transitions),
        "after": chunk.after,
        "upto": chunk.upto,
        **more,
    }
    for number, (kind, value) in enumerate(audience.targets):
        values[f"kind_{number}"] = str(kind)
        values[f"value_{number}"] = value
    return values


def _branches(shape: Shape, columns: list[Any]) -> list[Select[Any]]:
    """One SELECT per target: confirmed, wanted transition, in the chunk's subscriber range."""
    in_chunk: list[ColumnElement[bool]] = [col(Subscription.subscriber_id) > bindparam("after")]
    if shape.bounded:
        in_chunk.append(col(Subscription.subscriber_id) <= bindparam("upto"))
    branches = []
    for number, any_value in enumerate(shape.any_value):
        target = col(Subscription.target_kind) == bindparam(f"kind_{number}")
        if not any_value:
            target = and_(target, col(Subscription.target_value) == bindparam(f"value_{number}"))
        wanted = col(Subscription.transition).in_(bindparam("transitions", expanding=True))
        confirmed = col(Subscription.status) == SubscriptionStatus.CONFIRMED.value
        branches.append(select(*columns).where(target, confirmed, wanted, *in_chunk))
    return branches


@lru_cache(maxsize=256)
def chunk_end_query(shape: Shape) -> Select[Any]:
    """The subscriber id that ends a chunk of ``size`` matches after ``after`` (no row: fewer
    remain). Each branch gives its ids in subscriber order from the index."""
    ids = union_all(*_branches(shape, [col(Subscription.subscriber_id)])).subquery("matched")
    statement = select(ids.c.subscriber_id).order_by(ids.c.subscriber_id)
    return statement.offset(bindparam("skip")).limit(1)


def chunk_end(session: Session, audience: Audience, after: int, size: int) -> int | None:
    """Where the chunk after ``after`` ends; None when it runs to the last subscriber."""
    if not audience.targets:
        return None
    chunk = Chunk(after, None)
    statement = chunk_end_query(Shape.of(audience, chunk, _dialect(session)))
    values = parameters(audience, chunk, skip=size - 1)
    found = session.connection().execute(statement, values).scalar_one_or_none()
    return None if found is None else int(found)


def _chosen(shape: Shape) -> Subquery:
    """Per subscriber in the chunk who can be mailed, their one winning subscription."""
    columns = [
        col(Subscription.id).label("subscription_id"),
        col(Subscription.subscriber_id).label("subscriber_id"),
        col(Subscription.frequency).label("frequency"),
        _SPEED.label("speed"),
    ]
    matched = union_all(*_branches(shape, columns)).subquery("matched")
    rank = func.row_number().over(
        partition_by=matched.c.subscriber_id,
        order_by=(matched.c.speed, matched.c.subscription_id),
    )
    ranked = (
        select(matched, rank.label("rank"))
        .join(Subscriber, col(Subscriber.id) == matched.c.subscriber_id)
        .where(col(Subscriber.suspended_at).is_(None), col(Subscriber.email).is_not(None))
        .subquery("ranked")
    )
    return select(ranked).where(ranked.c.rank == 1).subquery("chosen")


def record_chunk(
    session: Session, audience: Audience, chunk: Chunk, event_id: uuid.UUID, now: datetime
) -> tuple[int, int]:
    """Insert the chunk's emails and digest lines; (emails, digest entries) newly recorded."""
    if not audience.targets:
        return 0, 0
    emails, entries = chunk_inserts(Shape.of(audience, chunk, _dialect(session)))
    values = parameters(audience, chunk, event_id=event_id, now=now)
    connection = session.connection()
    return _new_rows(connection.execute(emails, values)), _new_rows(
        connection.execute(entries, values)
    )


@lru_cache(maxsize=256)
def chunk_inserts(shape: Shape) -> tuple[Insert, Insert]:
    """The two ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``: emails, then digest lines."""
    chosen = _chosen(shape)
    immediate = chosen.c.frequency == Frequency.IMMEDIATELY.value
    emails = select(
        literal(DeliveryKind.EVENT.value).label("kind"),
        chosen.c.subscriber_id,
        chosen.c.subscription_id,
        _typed("event_id", Delivery, "event_id"),
        literal(DeliveryState.PENDING.value).label("state"),
        literal(0).label("attempts"),
        _typed("now", Delivery, "next_attempt_at"),
        _typed("now", Delivery, "created_at"),
    ).where(immediate)
    entries = select(
        chosen.c.subscriber_id,
        chosen.c.subscription_id,
        _typed("event_id", DigestEntry, "event_id"),
        chosen.c.frequency,
        _typed("now", DigestEntry, "received_at"),
    ).where(~immediate)
    return _insert_new(shape, Delivery, emails), _insert_new(shape, DigestEntry, entries)


def _typed(name: str, table: Any, column: str) -> Any:
    """Parameter ``name`` typed as ``table.column`` (uuids and times bind as it stores them)."""
    return bindparam(name, type_=table.__table__.c[column].type).label(column)


def _insert_new(shape: Shape, table: Any, rows: Select[Any]) -> Insert:
    """Insert ``rows`` (columns named as the table's) unless one conflicts."""
    insert = postgresql.insert if shape.dialect == "postgresql" else sqlite.insert
    columns = [str(column.key) for column in rows.selected_columns]
    statement = insert(table).from_select(columns, rows).on_conflict_do_nothing()
    return statement.execution_options(preserve_rowcount=True)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _new_rows(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
