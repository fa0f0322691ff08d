"""Poison through the real broker, SMTP server and database: each is set aside, the rest flows."""

from __future__ import annotations

import json

from aiokafka import AIOKafkaProducer

from services.notifications.adapters.set_aside import set_aside_messages
from services.notifications.adapters.topics import (
    DEAD_LETTER_TOPIC,
    DELIVERABLE_TOPIC,
    SERVICE_TOPIC,
)
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.database_setup import all_mail_settled, confirmed, deliveries
from services.notifications.tests.events import service_event, status_changed
from services.notifications.tests.sinks import Broker, MailSink, eventually
from services.notifications.tests.test_immediate_email import read_topic


def subjects(mail: MailSink) -> list[str]:
    return [str(m["Subject"]) for m in mail.handler.messages]


async def test_a_service_renamed_with_a_line_break_holds_up_no_other_email(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(database_url, mail, sender_batch_size=8)
    async with run_service(settings, broker.bootstrap) as service:
        engine = service.wiring.engine
        for number in range(10):
            confirmed(engine, settings, f"fife{number}@example.org", "local_authority", "fife")
            confirmed(engine, settings, f"plan{number}@example.org", "all_deliverables")
        renamed = service_event("ServiceUpdated", name="Fife Justice\r\nBcc: all@example.org")
        await service.publish(DELIVERABLE_TOPIC, status_changed(40), key="40")
        await service.publish(SERVICE_TOPIC, renamed, key="17")
        await service.publish(DELIVERABLE_TOPIC, status_changed(41), key="41")

        await eventually(lambda: len([s for s in subjects(mail) if "Deliverable" in s]) == 20)
        await eventually(lambda: len([s for s in subjects(mail) if "Fife Justice" in s]) == 10)
        assert {s for s in subjects(mail) if "Fife Justice" in s} == {
            "Fife Justice Bcc: all@example.org has been updated"
        }
        assert all(m["Bcc"] is None for m in mail.handler.messages)
        await all_mail_settled(engine)
        assert {d.state for d in deliveries(engine)} == {"sent"}


async def test_a_message_too_large_for_the_dead_letter_topic_is_set_aside_and_skipped(
    sqlite_database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(sqlite_database_url, mail)
    async with run_service(settings, broker.bootstrap) as service:
        engine = service.wiring.engine
        confirmed(engine, settings, "ida@example.org", "deliverable", "40")
        big = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, max_request_size=4 * 2**20)
        await big.start()
        try:  # not JSON, and with the dead-letter headers more than a producer may send
            await big.send_and_wait(DELIVERABLE_TOPIC, value=b"x" * 2**20, key=b"40")
        finally:
            await big.stop()
        await service.publish(DELIVERABLE_TOPIC, status_changed(40, "outstanding"), key="40")

        await eventually(lambda: [s for s in subjects(mail) if "Outstanding" in s])
        aside = set_aside_messages(engine)
        assert len(aside) == 1, aside  # recorded once, not redelivered in a loop
        assert aside[0].topic == DELIVERABLE_TOPIC and aside[0].size_bytes == 2**20
        assert aside[0].key == "40"
        assert "too large for the dead-letter topic" in aside[0].reason
        assert "not a valid event envelope" in aside[0].reason
        await service.publish(DELIVERABLE_TOPIC, b"marker", key="40")
        letters = await read_topic(broker.bootstrap, DEAD_LETTER_TOPIC, 1)
        assert letters[0].value == b"marker"  # the big one never reached the dead letters


async def test_a_missing_or_reused_event_id_is_dead_lettered(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(database_url, mail)
    async with run_service(settings, broker.bootstrap) as service:
        confirmed(service.wiring.engine, settings, "jo@example.org", "deliverable", "40")
        original = status_changed(40, "complete")
        without_id = json.loads(original.to_bytes())
        del without_id["event_id"]
        reused = original.model_copy(
            update={"data": {**original.data, "new_status": "outstanding"}}
        )
        await service.publish(DELIVERABLE_TOPIC, json.dumps(without_id).encode(), key="40")
        await service.publish(DELIVERABLE_TOPIC, json.dumps(without_id).encode(), key="40")
        await service.publish(DELIVERABLE_TOPIC, original, key="40")
        await service.publish(DELIVERABLE_TOPIC, reused, key="40")

        letters = await read_topic(broker.bootstrap, DEAD_LETTER_TOPIC, 3)
        reasons = [dict(letter.headers)["x-dead-letter-reason"].decode() for letter in letters]
        assert "event_id" in reasons[0] and "event_id" in reasons[1]
        assert f"event_id {original.event_id} was already used" in reasons[2]
        await all_mail_settled(service.wiring.engine)  # the original's email, and no other
        about_40 = [s for s in subjects(mail) if s.startswith("Deliverable 40")]
        assert about_40 == ["Deliverable 40 (Improve access to throughcare) is now Complete"]
