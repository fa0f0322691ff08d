"""Use cases of the subscription lifecycle: subscribe (double opt-in), confirm, unsubscribe."""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.notifications.adapters.tables import (
    Delivery,
    DeliveryKind,
    Subscriber,
    Subscription,
    SubscriptionStatus,
    utc_now,
)
from services.notifications.adapters.tokens import LinkTokens, Purpose
from services.notifications.schemas import SubscribeRequest
from services.notifications.settings import NotificationsSettings
from shared.errors import BadUserInput
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()
LIVE = (SubscriptionStatus.PENDING, SubscriptionStatus.CONFIRMED)
RESEND_CONFIRMATION_AFTER = timedelta(minutes=10)


def subscribe(engine: Engine, request: SubscribeRequest, settings: NotificationsSettings) -> None:
    """Record a pending subscription and queue its confirmation email (nothing if already live).

    Two first requests for a new address can race to insert its subscriber row; the loser's
    unique-constraint failure is answered by trying once more, when the row exists to lock.
    """
    try:
        _subscribe_once(engine, request, settings)
    except IntegrityError:
        log.info("subscribe_retried_after_concurrent_insert")
        _subscribe_once(engine, request, settings)


def _subscribe_once(
    engine: Engine, request: SubscribeRequest, settings: NotificationsSettings
) -> None:
    with UnitOfWork(engine) as uow:
        session = uow.session
        subscriber = _subscriber_for(session, request, settings)
        subscription = _subscription_for(session, subscriber, request)
        if subscription.status == SubscriptionStatus.CONFIRMED:
            log.info("subscription_already_confirmed", subscription_id=subscription.id)
            return
        subscription.status = SubscriptionStatus.PENDING
        subscription.frequency = request.frequency
        subscription.ended_at = None
        session.add(subscription)
        session.flush()
        if _confirmation_sent_recently(session, subscriber):
            return  # at most one confirmation email per address per 10 minutes, whatever target
        session.add(
            Delivery(
                kind=DeliveryKind.CONFIRMATION,
                subscriber_id=subscriber.id,
                subscription_id=subscription.id,
            )
        )
        log.info("subscription_requested", subscription_id=subscription.id)


def _confirmation_sent_recently(session: Session, subscriber: Subscriber) -> bool:
    since = utc_now() - RESEND_CONFIRMATION_AFTER
    statement = select(Delivery.id).where(
        Delivery.subscriber_id == subscriber.id,
        Delivery.kind == DeliveryKind.CONFIRMATION.value,
        col(Delivery.created_at) > since,
    )
    return session.exec(statement).first() is not None


def _subscriber_for(
    session: Session, request: SubscribeRequest, settings: NotificationsSettings
) -> Subscriber:
    # FOR UPDATE (PostgreSQL; SQLite's unit of work holds the write lock already): concurrent
    # requests for one address take turns, so only one of them can send a confirmation.
    subscriber = session.exec(
        select(Subscriber).where(Subscriber.email == request.email).with_for_update()
    ).first()
    if subscriber is None:
        subscriber = Subscriber(
            email=request.email,
            timezone=settings.default_timezone,
            digest_time=settings.default_digest_time,
            digest_weekday=settings.default_digest_weekday,
        )
    subscriber.timezone = request.timezone or subscriber.timezone
    subscriber.digest_time = request.digest_time or subscriber.digest_time
    if request.digest_weekday is not None:
        subscriber.digest_weekday = request.digest_weekday
    session.add(subscriber)
    session.flush()
    return subscriber


def _subscription_for(
    session: Session, subscriber: Subscriber, request: SubscribeRequest
) -> Subscription:
    statement = select(Subscription).where(
        Subscription.subscriber_id == subscriber.id,
        Subscription.target_kind == request.target.kind.value,
        Subscription.target_value == (request.target.value or ""),
        Subscription.transition == request.transition.value,
    )
    found = session.exec(statement).first()
    if found is not None:
        return found
    assert subscriber.id is not None
    return Subscription(
        subscriber_id=subscriber.id,
        target_kind=request.target.kind.value,
        target_value=request.target.value or "",
        transition=request.transition.value,
        frequency=request.frequency,
    )


def confirm(engine: Engine, tokens: LinkTokens, token: str) -> None:
    """Confirm the subscription a token names; confirming proves the address works again."""
    claim = tokens.read(token, allowed={Purpose.CONFIRM})
    with UnitOfWork(engine) as uow:
        session = uow.session
        subscription = session.get(Subscription, claim.subject_id)
        if subscription is None or subscription.status not in LIVE:
            raise BadUserInput(
                "This subscription has ended. Please subscribe again.", field="token"
            )
        if subscription.status == SubscriptionStatus.PENDING:
            subscription.status = SubscriptionStatus.CONFIRMED
            subscription.confirmed_at = utc_now()
            session.add(subscription)
        subscriber = session.get(Subscriber, subscription.subscriber_id)
        if subscriber is not None:
            subscriber.suspended_at = None
            subscriber.permanent_failures = 0
            session.add(subscriber)
        log.info("subscription_confirmed", subscription_id=subscription.id)


def unsubscribe(engine: Engine, tokens: LinkTokens, token: str) -> int:
    """End one subscription or all of a subscriber's; returns how many ended (0 if already)."""
    claim = tokens.read(token, allowed={Purpose.UNSUBSCRIBE, Purpose.UNSUBSCRIBE_ALL})
    with UnitOfWork(engine) as uow:
        session = uow.session
        statement = select(Subscription).where(col(Subscription.status).in_(LIVE))
        if claim.purpose == Purpose.UNSUBSCRIBE:
            statement = statement.where(Subscription.id == claim.subject_id)
        else:
            statement = statement.where(Subscription.subscriber_id == claim.subject_id)
        ended = list(session.exec(statement))
        now = utc_now()
        for subscription in ended:
            subscription.status = SubscriptionStatus.UNSUBSCRIBED
            subscription.ended_at = now
            session.add(subscription)
        log.info("unsubscribed", count=len(ended), purpose=claim.purpose.value)
        return len(ended)


def live_subscriptions(engine: Engine, subscriber_id: int) -> list[Subscription]:
    """What a subscriber still receives, for the manage-preferences page."""
    with Session(engine) as session:
        statement = (
            select(Subscription)
            .where(Subscription.subscriber_id == subscriber_id)
            .where(col(Subscription.status).in_(LIVE))
            .order_by(col(Subscription.id))
        )
        return list(session.exec(statement))


def subscriptions_for_token(engine: Engine, tokens: LinkTokens, token: str) -> list[Subscription]:
    """What the holder of a manage link receives; ``BadUserInput`` for a bad or expired token."""
    claim = tokens.read(token, allowed={Purpose.MANAGE})
    return live_subscriptions(engine, claim.subject_id)
