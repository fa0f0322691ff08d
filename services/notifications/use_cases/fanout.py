"""Record what an event means for subscribers: one email or digest line per subscriber, once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, insert, or_
from sqlmodel import Session, col, select

from services.notifications.adapters.tables import (
    Delivery,
    DeliveryKind,
    DeliveryState,
    DigestEntry,
    Frequency,
    ReceivedEvent,
    Subscriber,
    Subscription,
    SubscriptionStatus,
    utc_now,
)
from services.notifications.domain.consumed.registry import MalformedEvent, TypedEvent
from services.notifications.domain.targets import Audience
from shared.events import EventEnvelope
from shared.inbox import claim_event
from shared.unit_of_work import UnitOfWork

_SPEED = {Frequency.IMMEDIATELY: 0, Frequency.DAILY: 1, Frequency.WEEKLY: 2}


@dataclass(frozen=True)
class FanOutResult:
    duplicate: bool
    emails: int = 0
    digest_entries: int = 0


def record_event(
    engine: Engine, *, consumer: str, envelope: EventEnvelope, event: TypedEvent[Any]
) -> FanOutResult:
    """Claim the event and create its deliveries in one transaction; a second call does nothing."""
    with UnitOfWork(engine) as uow:
        session = uow.session
        if not claim_event(session, consumer=consumer, envelope=envelope):
            _ensure_same_event(session, envelope)
            return FanOutResult(duplicate=True)
        session.add(_received(envelope))
        session.flush()
        owner_mail = _add_owner_mail(session, envelope, event)
        chosen = _choose_per_subscriber(_matching(session, event.audience()))
        emails, entries = _insert_rows(session, envelope, chosen)
        return FanOutResult(duplicate=False, emails=emails + owner_mail, digest_entries=entries)


class ReusedEventId(MalformedEvent):
    """An ``event_id`` already handled arrives with other content: it belongs in dead letters."""


def _ensure_same_event(session: Session, envelope: EventEnvelope) -> None:
    """A copy of a handled event is fine; another event under the same id is not."""
    stored = session.get(ReceivedEvent, envelope.event_id)
    if stored is None:
        return
    same = (stored.event_type, stored.aggregate_id, json.loads(stored.data)) == (
        envelope.event_type,
        envelope.aggregate_id,
        envelope.data,
    )
    if not same:
        raise ReusedEventId(
            f"event_id {envelope.event_id} was already used by a {stored.event_type} "
            f"of {stored.aggregate_id} with other data"
        )


def _received(envelope: EventEnvelope) -> ReceivedEvent:
    return ReceivedEvent(
        event_id=envelope.event_id,
        event_type=envelope.event_type,
        aggregate_id=envelope.aggregate_id,
        occurred_at=envelope.occurred_at,
        data=json.dumps(envelope.data),
    )


def _add_owner_mail(session: Session, envelope: EventEnvelope, event: TypedEvent[Any]) -> int:
    """One email to the entry's owning partnership (its claim in the inbox makes it once only)."""
    recipient = event.owner_recipient()
    if event.kind.owner_mail is None or not recipient:
        return 0
    kind = event.kind.owner_mail.kind
    session.add(Delivery(kind=kind, event_id=envelope.event_id, recipient=recipient))
    return 1


def _matching(session: Session, audience: Audience) -> list[tuple[int, int, str]]:
    """(subscription id, subscriber id, frequency) of every live subscription the event concerns."""
    if not audience.targets:
        return []
    target_clauses = [
        col(Subscription.target_kind) == kind
        if value is None
        else and_(col(Subscription.target_kind) == kind, col(Subscription.target_value) == value)
        for kind, value in audience.targets
    ]
    statement = (
        select(Subscription.id, Subscription.subscriber_id, Subscription.frequency)
        .join(Subscriber, col(Subscriber.id) == col(Subscription.subscriber_id))
        .where(col(Subscription.status) == SubscriptionStatus.CONFIRMED)
        .where(col(Subscription.transition).in_([str(t) for t in audience.transitions]))
        .where(or_(*target_clauses))
        .where(col(Subscriber.suspended_at).is_(None), col(Subscriber.email).is_not(None))
        .order_by(col(Subscription.id))
    )
    return [
        (int(sid or 0), subscriber, frequency)
        for sid, subscriber, frequency in session.exec(statement)
    ]


def _choose_per_subscriber(rows: list[tuple[int, int, str]]) -> dict[int, tuple[int, str]]:
    """Several matching subscriptions still make one message: the most immediate one wins."""
    chosen: dict[int, tuple[int, str]] = {}
    for subscription_id, subscriber_id, frequency in rows:
        current = chosen.get(subscriber_id)
        if current is None or _SPEED[Frequency(frequency)] < _SPEED[Frequency(current[1])]:
            chosen[subscriber_id] = (subscription_id, frequency)
    return chosen


def _insert_rows(
    session: Session, envelope: EventEnvelope, chosen: dict[int, tuple[int, str]]
) -> tuple[int, int]:
    now = utc_now()
    emails = [
        {
            "kind": DeliveryKind.EVENT.value,
            "subscriber_id": subscriber_id,
            "subscription_id": subscription_id,
            "event_id": envelope.event_id,
            "state": DeliveryState.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for subscriber_id, (subscription_id, frequency) in chosen.items()
        if frequency == Frequency.IMMEDIATELY
    ]
    entries = [
        {
            "subscriber_id": subscriber_id,
            "subscription_id": subscription_id,
            "event_id": envelope.event_id,
            "frequency": frequency,
            "received_at": now,
        }
        for subscriber_id, (subscription_id, frequency) in chosen.items()
        if frequency != Frequency.IMMEDIATELY
    ]
    if emails:
        session.execute(insert(Delivery), emails)
    if entries:
        session.execute(insert(DigestEntry), entries)
    return len(emails), len(entries)
