"""Claiming due deliveries with a short lease, kept alive while they are being sent.

A sender that dies stops renewing, so its deliveries are due again within one lease
(``SENDER_LEASE_SECONDS``) and another sender (or the restarted one) takes them.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Boolean, Engine, bindparam, or_, text, type_coerce, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from services.notifications.adapters.tables import (
    Delivery,
    DeliveryState,
    Subscriber,
    Subscription,
    utc_now,
)
from shared.db import transaction


def claim_due(session: Session, *, token: str, batch_size: int, lease_seconds: float) -> None:
    """Lease up to ``batch_size`` due deliveries, oldest first, under ``token``.

    Within one lease of PostgreSQL's start (a restart, a crash), leases that lapsed are not
    taken over: their holders could not renew them or record what they had sent while it was
    away, and are given one lease to do so, rather than the emails being sent a second time.
    """
    now = utc_now()
    lapsed = col(Delivery.lease_until) < now
    if _just_started(session, now, lease_seconds):
        lapsed = col(Delivery.lease_until).is_(None)
    due = (
        col(Delivery.state).in_([DeliveryState.PENDING.value, DeliveryState.RETRYING.value]),
        col(Delivery.next_attempt_at) <= now,
        or_(col(Delivery.lease_until).is_(None), lapsed),
    )
    # Ids first, then the update: PostgreSQL may re-run an `IN (SELECT ... LIMIT)` subquery
    # and lease more rows than asked. SKIP LOCKED lets a replica take the next rows.
    batch = (
        select(Delivery.id)
        .where(*due)
        .order_by(col(Delivery.id))
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.exec(batch))
    if ids:
        session.execute(
            update(Delivery)
            .where(col(Delivery.id).in_(ids), *due)
            .values(lease_token=token, lease_until=now + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )


def _just_started(session: Session, now: datetime, lease_seconds: float) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False  # SQLite lives in the process: no restart under it
    started = session.execute(text("SELECT pg_postmaster_start_time()")).scalar_one()
    return bool(now < started + timedelta(seconds=lease_seconds))


def renew_leases(engine: Engine, tokens: list[str], lease_seconds: float) -> int:
    """Extend the leases still held under ``tokens`` (recorded deliveries hold none)."""
    if not tokens:
        return 0
    with transaction(engine) as session:
        # Rows are locked in id order, as the sender records outcomes, so the two never deadlock.
        held = select(Delivery.id).where(col(Delivery.lease_token).in_(tokens))
        ids = list(session.exec(held.order_by(col(Delivery.id)).with_for_update()))
        if not ids:
            return 0
        result = session.execute(
            update(Delivery)
            .where(col(Delivery.id).in_(ids), col(Delivery.lease_token).in_(tokens))
            .values(lease_until=utc_now() + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class ClaimedDelivery(NamedTuple):
    """A leased delivery with its subscriber's and subscription's facts, read in one statement.

    The subscriber's and subscription's columns are None when the row is gone (an erased
    subscriber, a subscription ended after the email was queued).
    """

    id: int
    kind: str
    subscriber_id: int | None
    subscription_id: int | None
    event_id: uuid.UUID | None
    digest_period: str | None
    recipient: str | None
    email: str | None
    suspended: bool
    frequency: str | None
    target_kind: str | None
    target_value: str | None
    transition: str | None


_DELIVERY = Delivery.__table__  # type: ignore[attr-defined]
_SUBSCRIBER = Subscriber.__table__  # type: ignore[attr-defined]
_SUBSCRIPTION = Subscription.__table__  # type: ignore[attr-defined]
# Plain rows, not ORM objects: writing an email needs a dozen facts, and loading three mapped
# objects per email cost more than writing it (profiled in bench/notifications_fanout.py).
_CLAIMED = (
    sa_select(
        _DELIVERY.c.id, _DELIVERY.c.kind, _DELIVERY.c.subscriber_id,
        _DELIVERY.c.subscription_id, _DELIVERY.c.event_id, _DELIVERY.c.digest_period,
        _DELIVERY.c.recipient, _SUBSCRIBER.c.email,
        type_coerce(_SUBSCRIBER.c.suspended_at.is_not(None), Boolean),
        _SUBSCRIPTION.c.frequency, _SUBSCRIPTION.c.target_kind, _SUBSCRIPTION.c.target_value,
        _SUBSCRIPTION.c.transition,
    )
    .select_from(_DELIVERY)
    .outerjoin(_SUBSCRIBER, _SUBSCRIBER.c.id == _DELIVERY.c.subscriber_id)
    .outerjoin(_SUBSCRIPTION, _SUBSCRIPTION.c.id == _DELIVERY.c.subscription_id)
    .where(_DELIVERY.c.lease_token == bindparam("token"))
    .order_by(_DELIVERY.c.id)
)  # fmt: skip


def claimed_deliveries(session: Session, token: str) -> list[ClaimedDelivery]:
    """The deliveries leased under ``token``, in id order."""
    rows = session.connection().execute(_CLAIMED, {"token": token})
    return [ClaimedDelivery._make(row) for row in rows]
