"""What an operator does with mail: see failed deliveries and suspended addresses, lift one.

Addresses are shown masked (``t***@example.org``): enough to recognise, not to copy into a log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.notifications.adapters.tables import Delivery, DeliveryState, Subscriber
from shared.db import transaction
from shared.errors import NotFound


@dataclass(frozen=True)
class FailedDelivery:
    id: int
    kind: str
    address: str | None
    attempts: int
    reason: str | None
    subject: str | None
    created_at: datetime


@dataclass(frozen=True)
class SuspendedAddress:
    subscriber_id: int
    address: str | None
    permanent_failures: int
    suspended_at: datetime


def mask(address: str | None) -> str | None:
    """``tess@example.org`` as ``t***@example.org``."""
    if not address or "@" not in address:
        return address and "***"
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"


def failed_deliveries(engine: Engine, *, limit: int = 100) -> list[FailedDelivery]:
    """Emails given up on, newest first, with the reason the last attempt failed."""
    with Session(engine) as session:
        rows = session.exec(
            select(Delivery, Subscriber.email)
            .join(Subscriber, col(Subscriber.id) == col(Delivery.subscriber_id), isouter=True)
            .where(col(Delivery.state) == DeliveryState.FAILED.value)
            .order_by(col(Delivery.id).desc())
            .limit(limit)
        ).all()
    return [
        FailedDelivery(
            id=delivery.id or 0,
            kind=delivery.kind,
            address=mask(email or delivery.recipient),
            attempts=delivery.attempts,
            reason=delivery.last_error,
            subject=delivery.subject,
            created_at=delivery.created_at,
        )
        for delivery, email in rows
    ]


def suspended_addresses(engine: Engine, *, limit: int = 100) -> list[SuspendedAddress]:
    with Session(engine) as session:
        rows = session.exec(
            select(Subscriber)
            .where(col(Subscriber.suspended_at).is_not(None))
            .order_by(col(Subscriber.suspended_at).desc())
            .limit(limit)
        ).all()
    return [
        SuspendedAddress(
            subscriber_id=row.id or 0,
            address=mask(row.email),
            permanent_failures=row.permanent_failures,
            suspended_at=row.suspended_at or row.created_at,
        )
        for row in rows
    ]


def lift_suspension(engine: Engine, subscriber_id: int) -> None:
    """Mail that address again (e.g. after its owner fixed their mailbox)."""
    with transaction(engine) as session:
        subscriber = session.get(Subscriber, subscriber_id)
        if subscriber is None or subscriber.suspended_at is None:
            raise NotFound("No suspended address has that id.")
        subscriber.suspended_at = None
        subscriber.permanent_failures = 0
        session.add(subscriber)
