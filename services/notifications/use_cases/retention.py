"""Data care: forget sent bodies after a while, expire unconfirmed sign-ups, erase old addresses."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import Engine, delete, exists, func, update
from sqlmodel import Session, col, select

from services.notifications.adapters.tables import (
    Delivery,
    DigestEntry,
    Subscriber,
    Subscription,
    SubscriptionStatus,
    utc_now,
)
from services.notifications.settings import NotificationsSettings
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()
LIVE = [SubscriptionStatus.PENDING.value, SubscriptionStatus.CONFIRMED.value]


def apply_retention(
    engine: Engine, settings: NotificationsSettings, now: datetime | None = None
) -> None:
    now = now or utc_now()
    with UnitOfWork(engine) as uow:
        session = uow.session
        bodies = _count(
            session.execute(
                update(Delivery)
                .where(col(Delivery.sent_at) < now - timedelta(days=settings.body_retention_days))
                .where(col(Delivery.body_text).is_not(None) | col(Delivery.recipient).is_not(None))
                .values(subject=None, body_text=None, recipient=None)
            )
        )
        expired = _count(
            session.execute(
                update(Subscription)
                .where(col(Subscription.status) == SubscriptionStatus.PENDING.value)
                .where(
                    col(Subscription.created_at)
                    < now - timedelta(seconds=settings.confirm_token_max_age_seconds)
                )
                .values(status=SubscriptionStatus.EXPIRED.value, ended_at=now)
            )
        )
        erased = _erase_lapsed_addresses(
            session, now - timedelta(days=settings.address_erasure_days), now
        )
    log.info(
        "retention_applied", bodies_cleared=bodies, signups_expired=expired, addresses_erased=erased
    )


def _erase_lapsed_addresses(session: Session, cutoff: datetime, now: datetime) -> int:
    has_live = exists().where(
        col(Subscription.subscriber_id) == col(Subscriber.id), col(Subscription.status).in_(LIVE)
    )
    last_ended = (
        select(func.max(Subscription.ended_at))
        .where(col(Subscription.subscriber_id) == col(Subscriber.id))
        .scalar_subquery()
    )
    lapsed = list(
        session.exec(
            select(Subscriber.id).where(
                col(Subscriber.email).is_not(None), ~has_live, last_ended < cutoff
            )
        )
    )
    if not lapsed:
        return 0
    session.execute(
        update(Subscriber).where(col(Subscriber.id).in_(lapsed)).values(email=None, erased_at=now)
    )
    session.execute(
        update(Delivery)
        .where(col(Delivery.subscriber_id).in_(lapsed))
        .values(subject=None, body_text=None)
    )
    session.execute(
        delete(DigestEntry).where(
            col(DigestEntry.subscriber_id).in_(lapsed), col(DigestEntry.delivery_id).is_(None)
        )
    )
    return len(lapsed)


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
