"""Restarts, failing handling and digests, through the real broker, SMTP server and database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from services.notifications.adapters.tables import DigestEntry, utc_now
from services.notifications.adapters.topics import DEAD_LETTER_TOPIC, DELIVERABLE_TOPIC
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.database_setup import confirmed
from services.notifications.tests.events import status_changed
from services.notifications.tests.sinks import Broker, MailSink, body_text, eventually
from services.notifications.tests.test_immediate_email import read_topic
from services.notifications.use_cases.digests import queue_due_digests


def waiting_entries(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(DigestEntry)).all())


def subjects(mail: MailSink, address: str) -> list[str]:
    return [str(m["Subject"]).strip() for m in mail.handler.to(address)]


async def test_a_restarted_consumer_sends_no_second_email(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(database_url, mail)
    first, second = status_changed(40, "complete"), status_changed(40, "outstanding")
    async with run_service(settings, broker.bootstrap) as service:
        confirmed(service.wiring.engine, settings, "ron@example.org", "deliverable", "40")
        await service.publish(DELIVERABLE_TOPIC, first, key="40")
        await eventually(lambda: [s for s in subjects(mail, "ron@example.org") if "Complete" in s])
    async with run_service(make_settings(database_url, mail), broker.bootstrap) as service:
        await service.publish(DELIVERABLE_TOPIC, first, key="40")  # redelivered after restart
        await service.publish(DELIVERABLE_TOPIC, second, key="40")
        await eventually(
            lambda: [s for s in subjects(mail, "ron@example.org") if "Outstanding" in s]
        )
    about_40 = [s for s in subjects(mail, "ron@example.org") if s.startswith("Deliverable 40")]
    assert len(about_40) == 2, about_40


async def test_an_event_that_keeps_failing_is_dead_lettered_and_the_next_is_handled(
    sqlite_database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(sqlite_database_url, mail, consumer_max_attempts=3)
    async with run_service(settings, broker.bootstrap) as service:
        engine = service.wiring.engine
        confirmed(engine, settings, "fay@example.org", "deliverable", "40")
        with engine.begin() as connection:  # the database loses a table: handling fails
            connection.execute(text("ALTER TABLE received_event RENAME TO received_event_away"))
        await service.publish(DELIVERABLE_TOPIC, status_changed(40, "complete"), key="40")
        letters = await read_topic(broker.bootstrap, DEAD_LETTER_TOPIC, 1)
        reason = dict(letters[0].headers)["x-dead-letter-reason"].decode()
        assert reason.startswith("failed 3 times")
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE received_event_away RENAME TO received_event"))
        await service.publish(DELIVERABLE_TOPIC, status_changed(40, "outstanding"), key="40")
        await eventually(
            lambda: [s for s in subjects(mail, "fay@example.org") if "Outstanding" in s]
        )
        assert not [s for s in subjects(mail, "fay@example.org") if "Complete" in s]


async def test_daily_digest_through_the_running_service(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(database_url, mail)
    async with run_service(settings, broker.bootstrap) as service:
        engine = service.wiring.engine
        confirmed(engine, settings, "dee@example.org", "aim", "3", frequency="daily")
        for number, status in ((40, "complete"), (41, "outstanding")):
            await service.publish(
                DELIVERABLE_TOPIC, status_changed(number, status), key=str(number)
            )
        await eventually(lambda: waiting_entries(engine) == 2)
        assert len(subjects(mail, "dee@example.org")) == 1  # the confirmation only
        tomorrow = utc_now() + timedelta(days=1, hours=1)
        await eventually(lambda: queue_due_digests(engine, now=tomorrow) or None, timeout=20)
        service.wiring.sender.wake()
        digest = (
            await eventually(
                lambda: [
                    m for m in mail.handler.to("dee@example.org") if "summary" in str(m["Subject"])
                ]
            )
        )[0]
        assert "2 update(s)" in str(digest["Subject"])
        assert "Deliverable 40" in body_text(digest) and "Deliverable 41" in body_text(digest)
