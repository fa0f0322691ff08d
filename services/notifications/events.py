"""``EmailsDelivered``, ``EmailFailed``: what became of each email, on ``notifications.email.v1``.

Staged in the same unit of work that records the outcome, so the event is published (through
this service's own outbox and relay) exactly when the outcome is committed. Each delivery has one
final outcome: it is listed in one ``EmailsDelivered`` or it has one ``EmailFailed``. No address
is carried, only the subscriber's id.

The emails the SMTP server accepted together (recorded in one transaction: at most as many as
the sessions may leave unrecorded, 8 by default) share one ``EmailsDelivered``, keyed by the
lowest delivery id it lists: an event per email cost as much CPU as writing, sending and
recording the email itself (one outbox row, one Kafka record sent and read back each; see
docs/performance.md, 8 Dec).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from services.notifications.adapters.tables import Delivery, DeliveryState, utc_now
from shared.events import new_event
from shared.unit_of_work import UnitOfWork

EMAIL_TOPIC = "notifications.email.v1"
SOURCE = "notifications"


class DeliveredEmail(BaseModel):
    """One email the SMTP server accepted."""

    delivery_id: int
    kind: str
    subscriber_id: int | None
    about_event_id: uuid.UUID | None


class EmailsDelivered(BaseModel):
    """Emails the SMTP server accepted, recorded together at ``sent_at`` (one or more)."""

    deliveries: list[DeliveredEmail]
    sent_at: datetime


class EmailFailed(BaseModel):
    delivery_id: int
    kind: str
    subscriber_id: int | None
    about_event_id: uuid.UUID | None
    reason: str
    permanent: bool  # the address will not take mail (or its owner complained)
    failed_at: datetime


def stage_delivered(uow: UnitOfWork, delivered: list[DeliveredEmail], sent_at: datetime) -> None:
    """One ``EmailsDelivered`` for the emails recorded together (none staged for none)."""
    if not delivered:
        return
    listed = sorted(delivered, key=lambda email: email.delivery_id)
    payload = EmailsDelivered(deliveries=listed, sent_at=sent_at)
    _publish(uow, "EmailsDelivered", str(listed[0].delivery_id), payload)


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
    _publish(uow, "EmailFailed", str(delivery_id), payload)


def _publish(uow: UnitOfWork, event_type: str, key: str, payload: BaseModel) -> None:
    envelope = new_event(event_type=event_type, source=SOURCE, aggregate_id=key, data=payload)
    uow.publish(envelope, topic=EMAIL_TOPIC)
