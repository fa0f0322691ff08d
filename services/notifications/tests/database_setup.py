"""Database-level helpers: a migrated database, confirmed subscriptions via the use cases."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.notifications.adapters.tables import Delivery, DeliveryState, Subscription
from services.notifications.adapters.tokens import LinkTokens, Purpose
from services.notifications.entrypoints.incoming import parse_event
from services.notifications.schemas import SubscribeRequest
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.sinks import eventually
from services.notifications.use_cases.composing import Composer
from services.notifications.use_cases.fanout import FanOutResult, record_event
from services.notifications.use_cases.sender import Sender
from services.notifications.use_cases.subscribing import confirm, subscribe
from services.notifications.wiring import MIGRATIONS
from shared.db import make_engine, upgrade_database
from shared.events import EventEnvelope


def migrated(url: str) -> Engine:
    engine = make_engine(url)
    upgrade_database(url, MIGRATIONS)
    return engine


def tokens_for(settings: NotificationsSettings) -> LinkTokens:
    return LinkTokens(
        secret=settings.token_secret,
        confirm_max_age=settings.confirm_token_max_age_seconds,
        link_max_age=settings.link_token_max_age_seconds,
    )


def sender_for(engine: Engine, settings: NotificationsSettings) -> Sender:
    composer = Composer(
        base_url=settings.public_base_url,
        tokens=tokens_for(settings),
        web_base_url=settings.web_base_url,
    )
    return Sender(engine=engine, settings=settings, composer=composer)


def confirmed(
    engine: Engine,
    settings: NotificationsSettings,
    email: str,
    kind: str,
    value: str | None = None,
    **options: object,
) -> int:
    """Subscribe and confirm through the use cases; returns the subscription id."""
    request = SubscribeRequest.model_validate(
        {"email": email, "target": {"kind": kind, "value": value}, **options}
    )
    subscribe(engine, request, settings)
    with Session(engine) as session:
        subscription = session.exec(
            select(Subscription).order_by(col(Subscription.id).desc())
        ).first()
        assert subscription is not None and subscription.id is not None
    confirm(
        engine, tokens_for(settings), tokens_for(settings).issue(Purpose.CONFIRM, subscription.id)
    )
    return subscription.id


def handle(engine: Engine, envelope: EventEnvelope) -> FanOutResult:
    event = parse_event(envelope)
    assert event is not None
    return record_event(engine, consumer="notifications", envelope=envelope, event=event)


async def all_mail_settled(engine: Engine, timeout: float = 20.0) -> None:
    """Wait until no email is waiting to be sent: every one queued so far is at the SMTP sink
    (a delivery is recorded sent only after the server took it) or has failed. A check for an
    email that must *not* come, made after this, cannot pass merely by being early."""
    waiting = (DeliveryState.PENDING.value, DeliveryState.RETRYING.value)

    def settled() -> bool:
        with Session(engine) as session:
            statement = select(Delivery.id).where(col(Delivery.state).in_(waiting))
            return session.exec(statement).first() is None

    await eventually(settled, timeout=timeout)


def deliveries(engine: Engine, kind: str | None = None) -> list[Delivery]:
    with Session(engine) as session:
        statement = select(Delivery).order_by(col(Delivery.id))
        if kind:
            statement = statement.where(Delivery.kind == kind)
        return list(session.exec(statement))
