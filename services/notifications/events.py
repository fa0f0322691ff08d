"""``EmailDelivered`` and ``EmailFailed``: what became of each email, on ``notifications.email.v1``.

Staged in the same unit of work that records the outcome, so the event is published (through
this service's own outbox and relay) exactly when the outcome is committed. Keyed by delivery
id; no address is carried, only the subscriber's id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from services.notifications.adapters.tables import Delivery, DeliveryState, utc_now
from shared.events import new_event
from shared.unit_of_work import UnitOfWork

EMAIL_TOPIC = "notifications.email.v1"
SOURCE = "notifications"


class EmailDelivered(BaseModel):
    delivery_id: int
    kind: str
    subscriber_id: int | None
    about_event_id: uuid.UUID | None
    sent_at: datetime


class EmailFailed(BaseModel):
    delivery_id: int
    kind: str
    subscriber_id: int | None
    about_event_id: uuid.UUID | None
    reason: str
    permanent: bool  # the address will not take mail (or its owner complained)
    failed_at: datetime


@dataclass(frozen=True)
class Delivered:
    """What the sender already knows of a delivery it sent (no need to read the row back)."""

    delivery_id: int
    kind: str
    subscriber_id: int | None
    about_event_id: uuid.UUID | None


def stage_delivered(uow: UnitOfWork, delivered: list[Delivered], sent_at: datetime) -> None:
    for one in delivered:
        payload = EmailDelivered(
            delivery_id=one.delivery_id,
            kind=one.kind,
            subscriber_id=one.subscriber_id,
            about_event_id=one.about_event_id,
            sent_at=sent_at,
        )
        _publish(uow, "EmailDelivered", payload)


def stage_failed(uow: UnitOfWork, delivery_id: int, *, reason: str, permanent: bool) -> None:
    """Stage ``EmailFailed`` if the delivery is now failed for good (not merely retrying)."""
    delivery = uow.session.get(Delivery, delivery_id, populate_existing=True)
    if delivery is None or delivery.state != DeliveryState.FAILED:
        return
    payload = EmailFailed(
        delivery_id=delivery_id,
        kind=delivery.kind,
        subscriber_id=delivery.subscriber_id,
        about_event_id=delivery.event_id,
        reason=reason[:500],
        permanent=permanent,
        failed_at=utc_now(),
    )
    _publish(uow, "EmailFailed", payload)


def _publish(uow: UnitOfWork, event_type: str, payload: BaseModel) -> None:
    delivery_id = str(payload.model_dump()["delivery_id"])
    envelope = new_event(
        event_type=event_type, source=SOURCE, aggregate_id=delivery_id, data=payload
    )
    uow.publish(envelope, topic=EMAIL_TOPIC)
