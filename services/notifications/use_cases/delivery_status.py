"""Delivery-status callbacks from the mail provider, shaped like GOV.UK Notify's.

The provider POSTs JSON (``id``, ``reference``, ``to``, ``status``, ``created_at``,
``completed_at``, ``sent_at``, ``notification_type``) with ``Authorization: Bearer <token>``. A
``permanent-failure`` (the address does not exist) or a ``complaint`` (the person marked it as
spam) suspends the address at once; temporary and technical failures are noted on the delivery
when ``reference`` names one (our delivery id); ``delivered`` is acknowledged.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlmodel import Session, select

from services.notifications.adapters.tables import Delivery, DeliveryState, Subscriber, utc_now
from services.notifications.events import stage_failed
from shared.errors import Unauthenticated
from shared.unit_of_work import UnitOfWork

SUSPENDING = frozenset({"permanent-failure", "complaint"})


class DeliveryStatusCallback(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    reference: str | None = Field(default=None, max_length=200)
    to: str = Field(min_length=3, max_length=320)
    status: Literal[
        "delivered", "permanent-failure", "temporary-failure", "technical-failure", "complaint"
    ]
    created_at: datetime | None = None
    completed_at: datetime | None = None
    sent_at: datetime | None = None
    notification_type: str | None = None


def check_bearer(authorization: str | None, expected: str | None) -> None:
    """Refuse a callback without the provider's bearer token (or when none is configured)."""
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not expected or not given or not hmac.compare_digest(given, expected):
        raise Unauthenticated("A delivery-status callback needs the provider's bearer token.")


def record_delivery_status(engine: Engine, callback: DeliveryStatusCallback) -> str:
    """Apply one callback; returns what was done (``suspended``, ``noted``, ``acknowledged``)."""
    reason = f"{callback.status} reported by the mail provider ({callback.id})"
    with UnitOfWork(engine) as uow:
        session = uow.session
        delivery = _delivery(session, callback.reference)
        if delivery is not None and callback.status != "delivered":
            delivery.last_error = reason[:500]
            if callback.status in SUSPENDING:
                delivery.state = DeliveryState.FAILED
            session.add(delivery)
            session.flush()
            if callback.status in SUSPENDING and delivery.id is not None:
                stage_failed(uow, delivery.id, reason=reason, permanent=True)
        if callback.status in SUSPENDING:
            return "suspended" if _suspend(session, callback.to) else "unknown_address"
    return "acknowledged" if callback.status == "delivered" else "noted"


def _delivery(session: Session, reference: str | None) -> Delivery | None:
    if not reference or not reference.isdigit():
        return None
    return session.get(Delivery, int(reference))


def _suspend(session: Session, address: str) -> bool:
    subscriber = session.exec(
        select(Subscriber).where(Subscriber.email == address.strip().lower())
    ).first()
    if subscriber is None:
        return False
    subscriber.suspended_at = subscriber.suspended_at or utc_now()
    subscriber.permanent_failures += 1
    session.add(subscriber)
    return True
