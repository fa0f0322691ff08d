"""Data care: sent bodies are forgotten, unconfirmed sign-ups expire, old addresses are erased."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from services.notifications.adapters.tables import Subscriber, Subscription, utc_now
from services.notifications.adapters.tokens import Purpose
from services.notifications.schemas import SubscribeRequest
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.database_setup import (
    confirmed,
    deliveries,
    handle,
    migrated,
    sender_for,
    tokens_for,
)
from services.notifications.tests.events import status_changed
from services.notifications.tests.sinks import MailSink
from services.notifications.use_cases.retention import apply_retention
from services.notifications.use_cases.subscribing import subscribe, unsubscribe


def emails(engine: object) -> list[str | None]:
    with Session(engine) as session:  # type: ignore[arg-type]
        return [s.email for s in session.exec(select(Subscriber).order_by(col(Subscriber.id)))]


async def test_retention_clears_bodies_expires_signups_and_erases_lapsed_addresses(
    database_url: str, mail: MailSink
) -> None:
    engine = migrated(database_url)
    settings = NotificationsSettings(
        smtp_port=mail.port, send_rate_per_minute=0, body_retention_days=30, address_erasure_days=7
    )
    leaving = confirmed(engine, settings, "leaving@example.org", "deliverable", "40")
    confirmed(engine, settings, "staying@example.org", "deliverable", "40")
    subscribe(
        engine,
        SubscribeRequest.model_validate(
            {"email": "never@example.org", "target": {"kind": "aim", "value": "1"}}
        ),
        settings,
    )
    handle(engine, status_changed(40))
    await sender_for(engine, settings).send_due()
    assert all(d.body_text for d in deliveries(engine))
    unsubscribe(
        engine, tokens_for(settings), tokens_for(settings).issue(Purpose.UNSUBSCRIBE, leaving)
    )

    apply_retention(engine, settings, now=utc_now() + timedelta(days=6))
    assert emails(engine) == ["leaving@example.org", "staying@example.org", "never@example.org"]
    assert all(d.body_text for d in deliveries(engine))

    apply_retention(engine, settings, now=utc_now() + timedelta(days=8))
    with Session(engine) as session:
        statuses = [
            s.status for s in session.exec(select(Subscription).order_by(col(Subscription.id)))
        ]
    assert statuses == ["unsubscribed", "confirmed", "expired"]
    assert emails(engine) == [None, "staying@example.org", "never@example.org"]

    apply_retention(engine, settings, now=utc_now() + timedelta(days=31))
    assert emails(engine) == [None, "staying@example.org", None]
    assert all(d.body_text is None and d.subject is None for d in deliveries(engine))
    assert all(d.state == "sent" for d in deliveries(engine))  # the record of sending stays
