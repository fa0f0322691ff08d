"""Record what happened to each email: sent, retrying with backoff, failed, or address suspended."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col

from services.notifications.mailer import Outcome, SendResult
from services.notifications.settings import NotificationsSettings
from services.notifications.tables import Delivery, DeliveryState, Subscriber, utc_now
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    subscriber_id: int | None
    result: SendResult
    subject: str | None = None
    body_text: str | None = None


def retry_delay(attempts: int, settings: NotificationsSettings) -> float:
    """Exponential backoff with jitter: half to all of base * 2^(attempts-1), capped."""
    ceiling = min(
        settings.retry_max_seconds, settings.retry_base_seconds * 2 ** max(0, attempts - 1)
    )
    return random.uniform(ceiling / 2, ceiling)


def record_attempts(
    engine: Engine, attempts: list[Attempt], settings: NotificationsSettings
) -> None:
    with UnitOfWork(engine) as uow:
        session = uow.session
        sent = [a for a in attempts if a.result.outcome == Outcome.SENT]
        _record_sent(session, sent)
        for attempt in attempts:
            if attempt.result.outcome == Outcome.TEMPORARY:
                _record_temporary(session, attempt, settings)
            elif attempt.result.outcome == Outcome.PERMANENT:
                _record_permanent(session, attempt, settings)


def _record_sent(session: Session, sent: list[Attempt]) -> None:
    now = utc_now()
    if sent:
        rows = [
            {
                "id": attempt.delivery_id,
                "state": DeliveryState.SENT.value,
                "sent_at": now,
                "subject": attempt.subject,
                "body_text": attempt.body_text,
                "last_error": None,
                "lease_token": None,
                "lease_until": None,
            }
            for attempt in sent
        ]
        session.execute(update(Delivery), rows)  # one executemany by primary key
        ids = [attempt.delivery_id for attempt in sent]
        session.execute(
            update(Delivery)
            .where(col(Delivery.id).in_(ids))
            .values(attempts=col(Delivery.attempts) + 1)
            .execution_options(synchronize_session=False)
        )
    subscriber_ids = {a.subscriber_id for a in sent if a.subscriber_id is not None}
    if subscriber_ids:
        session.execute(
            update(Subscriber)
            .where(col(Subscriber.id).in_(subscriber_ids), col(Subscriber.permanent_failures) > 0)
            .values(permanent_failures=0)
        )


def _record_temporary(session: Session, attempt: Attempt, settings: NotificationsSettings) -> None:
    delivery = session.get(Delivery, attempt.delivery_id)
    if delivery is None:
        return
    delivery.attempts += 1
    delivery.lease_token = None
    delivery.lease_until = None
    if delivery.attempts >= settings.max_send_attempts:
        delivery.state = DeliveryState.FAILED
        delivery.last_error = f"gave up after {delivery.attempts} attempts: {attempt.result.reason}"
    else:
        delivery.state = DeliveryState.RETRYING
        delivery.last_error = attempt.result.reason
        delivery.next_attempt_at = utc_now() + timedelta(
            seconds=retry_delay(delivery.attempts, settings)
        )
    session.add(delivery)


def _record_permanent(session: Session, attempt: Attempt, settings: NotificationsSettings) -> None:
    fail_delivery(session, attempt.delivery_id, attempt.result.reason or "permanent failure")
    subscriber = session.get(Subscriber, attempt.subscriber_id) if attempt.subscriber_id else None
    if subscriber is None:
        return
    subscriber.permanent_failures += 1
    if subscriber.permanent_failures >= settings.permanent_failures_before_suspension:
        subscriber.suspended_at = subscriber.suspended_at or utc_now()
    session.add(subscriber)


def fail_delivery(session: Session, delivery_id: int, reason: str) -> None:
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(
            state=DeliveryState.FAILED.value,
            attempts=col(Delivery.attempts) + 1,
            last_error=reason[:500],
            lease_token=None,
            lease_until=None,
        )
    )
