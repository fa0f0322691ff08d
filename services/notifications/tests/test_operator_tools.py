"""Operator tools on the running service: dead letters replayed once fixed, suspended addresses
listed and lifted, delivery-status callbacks; coordinator only. Real broker, SMTP and database.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from conftest import IdentityHeaders
from deploy import operator_cli
from services.notifications.adapters.tables import Delivery, Subscriber
from services.notifications.adapters.topics import DELIVERABLE_TOPIC
from services.notifications.events import EMAIL_TOPIC
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.database_setup import confirmed
from services.notifications.tests.events import status_changed
from services.notifications.tests.sinks import Broker, MailSink, eventually
from services.notifications.tests.test_immediate_email import read_topic
from shared.identity import Role

CALLBACK_TOKEN = "provider-callback-token-for-tests-0123456789"


def as_role(role: Role) -> IdentityHeaders:
    """Headers signed afresh on every read: a signed identity is short-lived."""
    return IdentityHeaders(role, subject="op-1")


COORDINATOR = as_role(Role.COORDINATOR)


async def test_a_dead_letter_is_listed_and_once_the_fault_is_fixed_replayed_into_an_email(
    sqlite_database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(sqlite_database_url, mail, consumer_max_attempts=1)
    async with run_service(settings, broker.bootstrap) as service:
        engine, http = service.wiring.engine, service.http
        confirmed(engine, settings, "ola@example.org", "deliverable", "40")
        with engine.begin() as connection:  # a fault: the table the consumer writes is away
            connection.execute(text("ALTER TABLE received_event RENAME TO received_event_away"))
        await service.publish(DELIVERABLE_TOPIC, status_changed(40, "complete"), key="40")

        async def listed() -> list[Any]:
            answer = await http.get("/operator/dead-letters", headers=COORDINATOR)
            return list(answer.json()["items"])

        [letter] = await _until(listed)
        assert letter["original_topic"] == DELIVERABLE_TOPIC
        assert letter["reason"].startswith("failed 1 times")
        refused = await http.get("/operator/dead-letters", headers=as_role(Role.PARTNER_EDITOR))
        assert refused.status_code == 403
        assert (await http.get("/operator/dead-letters")).status_code == 401

        with engine.begin() as connection:  # fixed
            connection.execute(text("ALTER TABLE received_event_away RENAME TO received_event"))
        replayed = await http.post(
            "/operator/dead-letters/replay",
            json={"partition": letter["partition"], "offset": letter["offset"]},
            headers=COORDINATOR,
        )
        assert replayed.json() == {"status": "replayed", "topic": DELIVERABLE_TOPIC}
        await eventually(
            lambda: [m for m in mail.handler.to("ola@example.org") if "40" in str(m["Subject"])]
        )


async def test_a_permanent_failure_callback_suspends_the_address_until_an_operator_lifts_it(
    sqlite_database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(sqlite_database_url, mail, callback_bearer_token=CALLBACK_TOKEN)
    async with run_service(settings, broker.bootstrap) as service:
        engine, http = service.wiring.engine, service.http
        confirmed(engine, settings, "Pat@Example.org", "deliverable", "40")
        await eventually(lambda: mail.handler.to("pat@example.org"))
        delivery_id = _first_delivery(engine)
        callback = {
            "id": "740e5834-3a29-46b4-9a6f-16142fde533a",
            "reference": str(delivery_id),
            "to": "pat@example.org",
            "status": "permanent-failure",
            "created_at": "2026-11-29T10:00:00Z",
            "completed_at": "2026-11-29T10:00:05Z",
            "sent_at": "2026-11-29T10:00:01Z",
            "notification_type": "email",
        }
        unsigned = await http.post("/callbacks/delivery-status", json=callback)
        assert unsigned.status_code == 401
        forged = await http.post(
            "/callbacks/delivery-status", json=callback, headers={"Authorization": "Bearer no"}
        )
        assert forged.status_code == 401
        signed = await http.post(
            "/callbacks/delivery-status",
            json=callback,
            headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"},
        )
        assert signed.json() == {"status": "suspended"}
        delivered, failed_event = await read_topic(broker.bootstrap, EMAIL_TOPIC, 2)
        assert _event(delivered)["event_type"] == "EmailsDelivered"
        [listed] = _event(delivered)["data"]["deliveries"]
        assert listed["delivery_id"] == delivery_id
        assert _event(failed_event)["event_type"] == "EmailFailed"
        assert _event(failed_event)["data"]["permanent"] is True
        assert b"pat@" not in failed_event.value + delivered.value  # no address in the events

        [item] = (await http.get("/operator/suspended", headers=COORDINATOR)).json()["items"]
        by_cli = await asyncio.to_thread(
            operator_cli.run,
            operator_cli.parser().parse_args(["suspended", "list", "--url", service.base_url]),
        )
        assert by_cli["items"] == [item]  # `cjp suspended list` calls the same route
        assert item["address"] == "p***@example.org"  # masked
        [failed] = (await http.get("/operator/deliveries", headers=COORDINATOR)).json()["items"]
        assert failed["id"] == delivery_id
        assert failed["reason"].startswith("permanent-failure reported by the mail provider")

        await service.publish(DELIVERABLE_TOPIC, status_changed(40, "complete"), key="40")
        await asyncio.sleep(1.5)  # the event is handled; a suspended address gets nothing
        subjects = [str(m["Subject"]) for m in mail.handler.to("pat@example.org")]
        assert not [s for s in subjects if "Complete" in s], subjects

        lifted = await http.post(
            f"/operator/suspended/{item['subscriber_id']}/lift", headers=COORDINATOR
        )
        assert lifted.json() == {"status": "lifted"}
        assert (await http.get("/operator/suspended", headers=COORDINATOR)).json()["items"] == []
        with Session(engine) as session:
            subscriber = session.exec(select(Subscriber)).one()
            assert subscriber.suspended_at is None and subscriber.permanent_failures == 0


def _event(record: Any) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(record.value)
    return parsed


def _first_delivery(engine: Any) -> int:
    with Session(engine) as session:
        delivery = session.exec(select(Delivery)).first()
        assert delivery is not None and delivery.id is not None
        return delivery.id


async def _until(check: Any, timeout: float = 30.0) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := await check()):
        assert loop.time() < deadline, f"not within {timeout} s"
        await asyncio.sleep(0.2)
    return value
