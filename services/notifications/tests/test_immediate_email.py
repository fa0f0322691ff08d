"""Through real Kafka, SMTP and database: opt-in, immediate email, no duplicates, dead letters."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer
from sqlmodel import Session, select

from services.notifications.adapters.tables import Delivery, DeliveryState, Subscription
from services.notifications.adapters.topics import (
    DEAD_LETTER_TOPIC,
    DELIVERABLE_TOPIC,
    SERVICE_TOPIC,
)
from services.notifications.tests.conftest import (
    RunningService,
    link_in,
    make_settings,
    run_service,
)
from services.notifications.tests.database_setup import all_mail_settled, confirmed
from services.notifications.tests.events import service_event, status_changed
from services.notifications.tests.sinks import Broker, MailSink, body_text, eventually


async def subscribe_and_confirm(
    service: RunningService, mail: MailSink, email: str, kind: str, value: str | None
) -> None:
    """Subscribe over HTTP, then press the button on the page the confirmation email links to."""
    body = {"email": email, "target": {"kind": kind, "value": value}, "frequency": "immediately"}
    before = len(mail.handler.to(email))
    response = await service.http.post("/subscriptions", json=body)
    assert response.status_code == 202
    assert response.json() == {"status": "pending_confirmation"}
    confirmation = (await eventually(lambda: mail.handler.to(email)[before:]))[0]
    link = link_in(body_text(confirmation), "confirm")
    page = await service.http.get(link)
    assert page.status_code == 200 and '<form method="post"' in page.text
    pressed = await service.http.post(link)
    assert pressed.status_code == 200 and "confirmed" in pressed.text


def statuses(service: RunningService) -> list[str]:
    with Session(service.wiring.engine) as session:
        return [s.status for s in session.exec(select(Subscription))]


async def test_confirmed_subscriber_gets_one_email_per_event_even_if_published_twice(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(database_url, mail)
    async with run_service(settings, broker.bootstrap) as service:
        await subscribe_and_confirm(service, mail, "ann@example.org", "deliverable", "40")
        # A second subscription that also matches must not make a second email. (Confirmed
        # through the use cases: one address gets one confirmation email per 10 minutes.)
        engine = service.wiring.engine
        confirmed(engine, settings, "ann@example.org", "lead_partner", "police-scotland")
        assert statuses(service) == ["confirmed", "confirmed"]
        before = len(mail.handler.to("ann@example.org"))

        event = status_changed(40, "complete")
        await service.publish(DELIVERABLE_TOPIC, event, key="40")
        await service.publish(DELIVERABLE_TOPIC, event, key="40")  # redelivery of the same event
        # A later event on the same partition (same key): once its email is here, both copies
        # were handled; once all mail has settled, a second email would be here too.
        marker = status_changed(41, "in_progress")
        await service.publish(DELIVERABLE_TOPIC, marker, key="40")

        received = await eventually(
            lambda: [
                m for m in mail.handler.to("ann@example.org") if "Deliverable 41" in m["Subject"]
            ]
        )
        await all_mail_settled(service.wiring.engine)
        news = mail.handler.to("ann@example.org")[before:]
        subjects = sorted(m["Subject"] for m in news)
        assert len(news) == 2, subjects
        assert any("Deliverable 40" in s and "Complete" in s for s in subjects)
        first = next(m for m in news if "Deliverable 40" in m["Subject"])
        assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/unsubscribe?token=" in first["List-Unsubscribe"]
        assert "because you asked for emails about deliverable 40" in body_text(first)
        assert first.get_body(preferencelist=("html",)) is not None
        assert received


async def test_opening_the_confirm_link_alone_changes_nothing(
    sqlite_database_url: str, broker: Broker, mail: MailSink
) -> None:
    async with run_service(make_settings(sqlite_database_url, mail), broker.bootstrap) as service:
        body = {
            "email": "bob@example.org",
            "target": {"kind": "deliverable", "value": "40"},
            "frequency": "immediately",
        }
        assert (await service.http.post("/subscriptions", json=body)).status_code == 202
        confirmation = (await eventually(lambda: mail.handler.to("bob@example.org")))[0]
        assert (
            await service.http.get(link_in(body_text(confirmation), "confirm"))
        ).status_code == 200
        assert statuses(service) == ["pending_confirmation"]
        await service.publish(DELIVERABLE_TOPIC, status_changed(40), key="40")
        await service.publish(DELIVERABLE_TOPIC, b"marker: not json", key="40")
        await read_topic(broker.bootstrap, DEAD_LETTER_TOPIC, 1)  # same partition: event handled
        await all_mail_settled(service.wiring.engine)
        assert len(mail.handler.to("bob@example.org")) == 1  # only the confirmation


async def test_directory_change_reaches_local_authority_subscribers_and_one_click_unsubscribes(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    async with run_service(make_settings(database_url, mail), broker.bootstrap) as service:
        await subscribe_and_confirm(service, mail, "cat@example.org", "local_authority", "fife")
        await service.publish(
            SERVICE_TOPIC,
            service_event(changes={"phone": {"old": "1", "new": "01592 000000"}}),
            key="17",
        )
        email = (
            await eventually(
                lambda: [m for m in mail.handler.to("cat@example.org") if "updated" in m["Subject"]]
            )
        )[0]
        assert "phone: now 01592 000000" in body_text(email)
        unsubscribe_url = str(email["List-Unsubscribe"]).strip().strip("<>")  # may be folded
        one_click = await service.http.post(
            unsubscribe_url,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert one_click.status_code == 200
        assert statuses(service) == ["unsubscribed"]


async def test_malformed_messages_go_to_dead_letter_and_the_next_event_is_handled(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    async with run_service(make_settings(database_url, mail), broker.bootstrap) as service:
        await subscribe_and_confirm(service, mail, "dan@example.org", "deliverable", "40")
        await service.publish(DELIVERABLE_TOPIC, b"{this is not json", key="40")
        bad_data = status_changed(40)
        bad_data.data.pop("number")
        await service.publish(DELIVERABLE_TOPIC, bad_data, key="40")
        await service.publish(DELIVERABLE_TOPIC, status_changed(40, "outstanding"), key="40")
        await eventually(
            lambda: [m for m in mail.handler.to("dan@example.org") if "Outstanding" in m["Subject"]]
        )
        letters = await read_topic(broker.bootstrap, DEAD_LETTER_TOPIC, 2)
        assert letters[0].value == b"{this is not json"
        reasons = [dict(letter.headers)["x-dead-letter-reason"].decode() for letter in letters]
        assert "not a valid event envelope" in reasons[0]
        assert "number" in reasons[1]
        assert dict(letters[0].headers)["x-original-topic"] == DELIVERABLE_TOPIC.encode()


async def test_smtp_refusing_then_recovering_still_delivers(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    async with run_service(make_settings(database_url, mail), broker.bootstrap) as service:
        await subscribe_and_confirm(service, mail, "eve@example.org", "all_deliverables", None)
        mail.handler.refuse_next = 2  # "451 try again later" twice
        await service.publish(DELIVERABLE_TOPIC, status_changed(12), key="12")
        await eventually(
            lambda: [
                m for m in mail.handler.to("eve@example.org") if "Deliverable 12" in m["Subject"]
            ]
        )
        delivery = await eventually(lambda: sent_event_delivery(service))
        assert delivery.attempts == 3
        assert mail.handler.refuse_next == 0


async def read_topic(bootstrap: str, topic: str, count: int) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    found = []
    try:
        async with asyncio.timeout(20):
            async for record in consumer:
                found.append(record)
                if len(found) == count:
                    break
    finally:
        await consumer.stop()
    return found


def sent_event_delivery(service: RunningService) -> Delivery | None:
    with Session(service.wiring.engine) as session:
        delivery = session.exec(select(Delivery).where(Delivery.kind == "event")).one()
        return delivery if delivery.state == DeliveryState.SENT else None
