"""Daily and weekly digests: one per subscriber per period, at their local time, once, even late."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from services.notifications.adapters.tables import (
    Delivery,
    DeliveryKind,
    DigestEntry,
    Frequency,
    Subscriber,
    Subscription,
    SubscriptionStatus,
    utc_now,
)
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()


def last_boundary(
    now: datetime, *, zone: str, at: str, weekday: int, frequency: str
) -> tuple[datetime, date]:
    """The most recent digest time not after ``now``, in UTC, and its local date (the period key).

    Computed in the subscriber's zone with zoneinfo, so 08:00 stays 08:00 across clock changes.
    """
    tz = ZoneInfo(zone)
    local_now = now.astimezone(tz)
    hour, minute = (int(part) for part in at.split(":"))
    step = timedelta(days=1) if frequency == Frequency.DAILY else timedelta(days=7)
    day = local_now.date()
    if frequency == Frequency.WEEKLY:
        day -= timedelta(days=(day.weekday() - weekday) % 7)
    candidate = datetime.combine(day, time(hour, minute), tzinfo=tz)
    if candidate > local_now:
        day -= step
        candidate = datetime.combine(day, time(hour, minute), tzinfo=tz)
    return candidate.astimezone(UTC), day


def queue_due_digests(engine: Engine, now: datetime | None = None) -> int:
    """Create the digest emails that are due; a missed run is caught up once, never twice."""
    now = now or utc_now()
    created = 0
    with UnitOfWork(engine) as uow:
        session = uow.session
        for subscriber, frequency, oldest in _waiting_groups(session):
            boundary, day = last_boundary(
                now,
                zone=subscriber.timezone,
                at=subscriber.digest_time,
                weekday=subscriber.digest_weekday,
                frequency=frequency,
            )
            if oldest.astimezone(UTC) >= boundary:
                continue
            created += _queue_one(
                session, subscriber, frequency, boundary, f"{frequency}:{day.isoformat()}"
            )
    if created:
        log.info("digests_queued", count=created)
    return created


def _waiting_groups(session: Session) -> list[tuple[Subscriber, str, datetime]]:
    statement = (
        select(Subscriber, DigestEntry.frequency, func.min(DigestEntry.received_at))
        .join(Subscriber, col(Subscriber.id) == col(DigestEntry.subscriber_id))
        .join(Subscription, col(Subscription.id) == col(DigestEntry.subscription_id))
        .where(col(DigestEntry.delivery_id).is_(None))
        .where(col(Subscription.status) == SubscriptionStatus.CONFIRMED)
        .where(col(Subscriber.email).is_not(None), col(Subscriber.suspended_at).is_(None))
        .group_by(Subscriber, DigestEntry.frequency)  # type: ignore[arg-type]
    )
    return [(row[0], row[1], row[2]) for row in session.exec(statement)]


def _queue_one(
    session: Session, subscriber: Subscriber, frequency: str, boundary: datetime, period: str
) -> int:
    existing = session.exec(
        select(Delivery).where(
            Delivery.subscriber_id == subscriber.id, Delivery.digest_period == period
        )
    ).first()
    if existing is not None:
        return 0  # this period's digest went already: these wait for the next one
    digest = Delivery(kind=DeliveryKind.DIGEST, subscriber_id=subscriber.id, digest_period=period)
    session.add(digest)
    session.flush()
    live = select(Subscription.id).where(Subscription.status == SubscriptionStatus.CONFIRMED)
    session.execute(
        update(DigestEntry)
        .where(
            col(DigestEntry.subscriber_id) == subscriber.id,
            col(DigestEntry.frequency) == frequency,
            col(DigestEntry.delivery_id).is_(None),
            col(DigestEntry.received_at) < boundary,
            col(DigestEntry.subscription_id).in_(live.scalar_subquery()),
        )
        .values(delivery_id=digest.id)
        .execution_options(synchronize_session=False)
    )
    return 1
