"""What the service publishes about its emails: each delivery's final outcome, once.

The emails recorded together share one ``EmailsDelivered``; a failure for good has its own
``EmailFailed``; a retry publishes nothing yet. Checked against the committed catalogue
(``asyncapi.json``), which is what consumers read.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from sqlmodel import Session, col, select

from services.notifications.adapters.mailer import Outcome, SendResult
from services.notifications.adapters.tables import DeliveryState
from services.notifications.entrypoints.event_catalogue import CATALOGUE_FILE, render_catalogue
from services.notifications.events import EMAIL_TOPIC
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.database_setup import confirmed, deliveries, handle, migrated
from services.notifications.tests.events import status_changed
from services.notifications.use_cases.outcomes import Attempt, record_attempts
from shared.event_catalogue import load_catalogue, published_messages
from shared.outbox import OutboxMessage


def test_committed_event_catalogue_matches_the_code() -> None:
    assert CATALOGUE_FILE.read_text(encoding="utf-8") == render_catalogue(), (
        "run: python -m services.notifications.entrypoints.event_catalogue"
    )


def test_emails_recorded_together_share_one_event_and_a_failure_has_its_own(
    database_url: str,
) -> None:
    engine = migrated(database_url)
    settings = NotificationsSettings(max_send_attempts=3)
    for name in ("ann", "bob", "cat", "dan", "eve"):
        confirmed(engine, settings, f"{name}@example.org", "deliverable", "40")
    handle(engine, status_changed(40, "complete"))
    ann, bob, cat, dan, eve = [d for d in deliveries(engine, "event")]
    sent = SendResult(Outcome.SENT)
    attempts = [
        Attempt(cat.id or 0, cat.subscriber_id, sent, "s", "t", "event", cat.event_id),
        Attempt(ann.id or 0, ann.subscriber_id, sent, "s", "t", "event", ann.event_id),
        Attempt(dan.id or 0, dan.subscriber_id, SendResult(Outcome.PERMANENT, "550 no such user")),
        Attempt(bob.id or 0, bob.subscriber_id, sent, "s", "t", "event", bob.event_id),
        Attempt(eve.id or 0, eve.subscriber_id, SendResult(Outcome.TEMPORARY, "451 busy")),
    ]

    record_attempts(engine, attempts, settings)

    rows = _email_events(engine)
    assert [row.event_type for row in rows] == ["EmailsDelivered", "EmailFailed"]
    delivered, failed = (json.loads(row.payload) for row in rows)
    listed = delivered["data"]["deliveries"]
    assert [email["delivery_id"] for email in listed] == [ann.id, bob.id, cat.id]  # in id order
    assert listed[0] == {
        "delivery_id": ann.id,
        "kind": "event",
        "subscriber_id": ann.subscriber_id,
        "about_event_id": str(ann.event_id),
    }
    assert rows[0].key == delivered["aggregate_id"] == str(ann.id)  # the lowest listed
    assert failed["data"]["delivery_id"] == dan.id and failed["data"]["permanent"] is True
    assert rows[1].key == str(dan.id)
    assert not any("@" in row.payload for row in rows)  # no addresses in the events
    states = {d.id: d.state for d in deliveries(engine, "event")}
    assert [states[d.id] for d in (ann, bob, cat, dan, eve)] == [
        DeliveryState.SENT, DeliveryState.SENT, DeliveryState.SENT,
        DeliveryState.FAILED, DeliveryState.RETRYING,
    ]  # fmt: skip

    schemas = published_messages(load_catalogue(CATALOGUE_FILE))
    for row, published in zip(rows, (delivered, failed), strict=True):
        jsonschema.validate(published, schemas[(EMAIL_TOPIC, row.event_type)])
    # The schema says something: an EmailsDelivered without its list fails.
    emptied = {**delivered, "data": {"sent_at": delivered["data"]["sent_at"]}}
    _fails(emptied, schemas[(EMAIL_TOPIC, "EmailsDelivered")])


def test_a_group_with_nothing_sent_publishes_no_delivered_event(database_url: str) -> None:
    engine = migrated(database_url)
    settings = NotificationsSettings()
    confirmed(engine, settings, "ann@example.org", "deliverable", "40")
    handle(engine, status_changed(40, "complete"))
    [ann] = deliveries(engine, "event")
    away = SendResult(Outcome.UNAVAILABLE, "not tried: the SMTP server was unreachable")
    record_attempts(engine, [Attempt(ann.id or 0, ann.subscriber_id, away)], settings)
    assert _email_events(engine) == []


def _email_events(engine: Any) -> list[OutboxMessage]:
    with Session(engine) as session:
        statement = select(OutboxMessage).where(OutboxMessage.topic == EMAIL_TOPIC)
        return list(session.exec(statement.order_by(col(OutboxMessage.id))))


def _fails(published: dict[str, Any], schema: dict[str, Any]) -> None:
    try:
        jsonschema.validate(published, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema took an event it should refuse")
