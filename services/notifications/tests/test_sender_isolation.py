"""One email cannot stop the sender: failures stay with their email, leases are short, a
recovered SMTP server gets mail within seconds, the send rate is shared across replicas.

All against a real aiosmtpd server and a real database.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col

from services.notifications.adapters.leases import claim_due
from services.notifications.adapters.rate_limit import take_tokens
from services.notifications.adapters.tables import Delivery, DeliveryState, ReceivedEvent, utc_now
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.database_setup import (
    all_mail_settled,
    confirmed,
    deliveries,
    handle,
    migrated,
    sender_for,
)
from services.notifications.tests.events import service_event, status_changed
from services.notifications.tests.sinks import MailSink, eventually
from services.notifications.use_cases.outcomes import Attempt, OutcomeRecorder
from services.notifications.use_cases.sender import Job
from shared.db import transaction


def fast(mail: MailSink, **overrides: object) -> NotificationsSettings:
    values: dict[str, object] = {"smtp_port": mail.port, "send_rate_per_minute": 0, **overrides}
    return NotificationsSettings(**values)  # type: ignore[arg-type]


async def test_a_name_with_a_line_break_and_an_unwritable_email_fail_alone(
    database_url: str, mail: MailSink
) -> None:
    engine = migrated(database_url)
    settings = fast(mail)
    for number in range(5):
        confirmed(engine, settings, f"fife{number}@example.org", "local_authority", "fife")
        confirmed(engine, settings, f"plan{number}@example.org", "all_deliverables")
    sender = sender_for(engine, settings)
    await sender.send_due()  # the confirmations
    mail.handler.messages.clear()
    renamed = service_event("ServiceUpdated", name="Fife Justice\nBcc: everyone@example.org")
    broken = status_changed(41, "complete")
    for event in (renamed, status_changed(40, "complete"), broken, status_changed(42)):
        handle(engine, event)
    with transaction(engine) as session:  # the stored facts of one event are unreadable
        session.execute(
            update(ReceivedEvent)
            .where(col(ReceivedEvent.event_id) == broken.event_id)
            .values(data="{not json")
        )

    await sender.send_due()

    subjects = sorted(str(m["Subject"]) for m in mail.handler.messages)
    assert len(subjects) == 15, subjects  # 5 renamed-service emails, 10 of deliverables 40 and 42
    assert "Fife Justice Bcc: everyone@example.org has been updated" in subjects
    assert all(m["Bcc"] is None for m in mail.handler.messages)
    failed = [d for d in deliveries(engine, "event") if d.state == DeliveryState.FAILED]
    assert len(failed) == 5 and all(d.event_id == broken.event_id for d in failed)
    assert all("could not write the email: ValidationError" in (d.last_error or "") for d in failed)
    assert all(d.lease_token is None for d in deliveries(engine))


async def test_an_address_the_session_cannot_carry_fails_alone_and_the_batch_goes_on(
    sqlite_database_url: str, mail: MailSink
) -> None:
    """A subscriber's address with letters outside ASCII (the sign-up form takes it; an email
    header without SMTPUTF8 cannot carry it) fails for good with its reason, before anything is
    sent; the emails around it go."""
    engine = migrated(sqlite_database_url)
    settings = fast(mail, sender_concurrency=1)
    for address in ("ann@example.org", "josé@example.org", "bob@example.org"):
        confirmed(engine, settings, address, "deliverable", "40")
    sender = sender_for(engine, settings)
    await sender.send_due()  # the confirmations: two go, one cannot
    mail.handler.messages.clear()

    handle(engine, status_changed(40))
    await sender.send_due()

    assert sorted(str(m["To"]) for m in mail.handler.messages) == [
        "ann@example.org",
        "bob@example.org",
    ]
    failed = [d for d in deliveries(engine) if d.state == DeliveryState.FAILED]
    assert len(failed) == 2  # the confirmation and the event's email to josé
    assert all(
        (d.last_error or "").startswith("could not write the email: UnicodeEncodeError")
        for d in failed
    )
    assert all(d.lease_token is None for d in deliveries(engine))


async def test_a_resend_carries_the_same_message_id(
    sqlite_database_url: str, mail: MailSink
) -> None:
    engine = migrated(sqlite_database_url)
    settings = fast(mail, message_id_domain="mail.example")
    confirmed(engine, settings, "ann@example.org", "deliverable", "40")
    sender = sender_for(engine, settings)
    await sender.send_due()
    handle(engine, status_changed(40))
    await sender.send_due()
    event_delivery = deliveries(engine, "event")[0]
    with transaction(engine) as session:  # as if a crash came between SMTP and recording
        session.execute(
            update(Delivery)
            .where(col(Delivery.id) == event_delivery.id)
            .values(state=DeliveryState.PENDING.value)
        )
    await sender.send_due()
    ids = [m["Message-ID"] for m in mail.handler.messages]
    assert ids[1] == ids[2] == f"<delivery-{event_delivery.id}@mail.example>"
    assert ids[0] != ids[1]  # the confirmation is another delivery


async def test_a_crashed_senders_deliveries_move_on_within_its_short_lease(
    database_url: str, mail: MailSink
) -> None:
    engine = migrated(database_url)
    settings = fast(mail, sender_lease_seconds=1.0)
    confirmed(engine, settings, "bea@example.org", "deliverable", "40")
    handle(engine, status_changed(40))
    with transaction(engine) as session:  # a sender claims both emails, then dies
        claim_due(session, token=uuid.uuid4().hex, batch_size=10, lease_seconds=1.0)
    sender = sender_for(engine, settings)
    started = time.monotonic()
    assert await sender.send_due() == 0  # still leased by the dead sender
    while not await sender.send_due():
        await asyncio.sleep(0.1)
    assert time.monotonic() - started < 3
    assert [d.state for d in deliveries(engine)] == [DeliveryState.SENT] * 2


async def test_mail_flows_within_seconds_of_the_smtp_server_returning(
    database_url: str, mail: MailSink
) -> None:
    engine = migrated(database_url)
    settings = fast(mail, smtp_outage_probe_max_seconds=1.0, sender_poll_interval_seconds=0.1)
    for number in range(4):
        confirmed(engine, settings, f"out{number}@example.org", "all_deliverables")
    sender = sender_for(engine, settings)
    await sender.send_due()
    mail.stop()  # the server goes away for a few seconds while mail is queued
    handle(engine, status_changed(40))
    running = asyncio.create_task(sender.run())
    try:
        await asyncio.sleep(4)
        assert all(d.attempts == 0 for d in deliveries(engine, "event"))  # nothing counted
        back = MailSink(port=mail.port, handler=mail.handler)
        returned = time.monotonic()
        await eventually(lambda: len(mail.handler.messages) == 8, timeout=10)
        flowed_after = time.monotonic() - returned
        assert flowed_after < 3, flowed_after
        await all_mail_settled(engine)
        assert [d.attempts for d in deliveries(engine, "event")] == [1, 1, 1, 1]
    finally:
        await sender.stop()
        await running
        back.stop()


async def test_two_replicas_share_one_send_rate(database_url: str, mail: MailSink) -> None:
    engine = migrated(database_url)
    settings = fast(mail, send_rate_per_minute=600, sender_batch_size=10)  # 10 a second
    for number in range(20):
        confirmed(engine, settings, f"r{number}@example.org", "all_deliverables")
    with transaction(engine) as session:  # the confirmations went earlier (not timed)
        session.execute(update(Delivery).values(state=DeliveryState.SENT.value))
    handle(engine, status_changed(40))
    replicas = [sender_for(engine, settings), sender_for(engine, settings)]
    take_tokens(engine, wanted=10, per_second=10, capacity=10)  # start with an empty bucket
    started = time.monotonic()
    await asyncio.gather(*(replica.send_backlog() for replica in replicas))
    elapsed = time.monotonic() - started
    assert len(mail.handler.messages) == 20
    assert elapsed >= 1.7, elapsed  # 20 emails at 10 a second; one process each would take ~1 s


def test_the_shared_bucket_refills_at_the_rate_and_never_beyond_its_capacity(
    sqlite_database_url: str,
) -> None:
    engine = migrated(sqlite_database_url)
    now = utc_now()
    assert take_tokens(engine, wanted=50, per_second=5, capacity=5, now=now) == (5, 0.0)
    taken, wait = take_tokens(engine, wanted=1, per_second=5, capacity=5, now=now)
    assert taken == 0 and 0.19 < wait <= 0.2
    later = now + timedelta(seconds=1)
    assert take_tokens(engine, wanted=3, per_second=5, capacity=5, now=later)[0] == 3
    much_later = now + timedelta(hours=1)
    assert take_tokens(engine, wanted=50, per_second=5, capacity=5, now=much_later)[0] == 5


class NeverRecorded(OutcomeRecorder):
    """The sender's recorder with writes that never finish: as if the process died while
    recording."""

    async def _write_with_retries(self, attempts: list[Attempt], tries: int = 5) -> None:
        await asyncio.Event().wait()


async def test_a_crash_while_recording_leaves_at_most_the_bound_per_session_unrecorded(
    sqlite_database_url: str, mail: MailSink
) -> None:
    engine = migrated(sqlite_database_url)
    for bound, expected in ((1, 3), (2, 6)):
        settings = fast(mail, sender_concurrency=3, sender_unrecorded_per_session=bound)
        for number in range(12):
            confirmed(engine, settings, f"b{bound}-{number}@example.org", "all_deliverables")
        mail.handler.messages.clear()
        sender = sender_for(engine, settings)
        sender._recorder = NeverRecorded(engine, settings)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sender.send_due(), 2.0)
        # Each session stopped once `bound` of its emails awaited their record: these are the
        # only emails a restarted sender could send a second time.
        assert len(mail.handler.messages) == expected


async def test_a_stop_waits_for_the_batch_on_the_wire_not_the_whole_backlog(
    sqlite_database_url: str, mail: MailSink
) -> None:
    engine = migrated(sqlite_database_url)
    settings = fast(mail, sender_batch_size=20, sender_concurrency=1)
    for number in range(400):
        confirmed(engine, settings, f"reader{number}@example.org", "all_deliverables")
    sender = sender_for(engine, settings)
    running = asyncio.create_task(sender.run())
    await eventually(lambda: len(mail.handler.messages) >= 20, timeout=30)

    await sender.stop()
    await asyncio.wait_for(running, timeout=10)

    sent = len(mail.handler.messages)
    assert 20 <= sent < 400, sent  # it stopped after a batch or two, leaving the rest due
    still_due = [d for d in deliveries(engine) if d.state != DeliveryState.SENT]
    assert len(still_due) == 400 - sent
    assert {d.state for d in still_due} == {DeliveryState.PENDING}


async def test_a_batch_claimed_ahead_is_let_go_when_the_batch_on_the_wire_fails(
    sqlite_database_url: str, mail: MailSink
) -> None:
    """The sender writes the next batch while one is on the wire. If sending that one fails (the
    database went away while recording it, say), the batch claimed ahead must not stay leased
    for ever: its leases lapse and its emails go out (a PostgreSQL restart left 278 stuck)."""
    engine = migrated(sqlite_database_url)
    settings = fast(mail, sender_batch_size=2, sender_concurrency=1, sender_lease_seconds=1.0)
    for number in range(6):
        confirmed(engine, settings, f"ahead{number}@example.org", "all_deliverables")
    handle(engine, status_changed(40))
    sender = sender_for(engine, settings)
    send_batch = sender._send_batch

    async def fails_once_the_next_is_claimed(jobs: list[Job]) -> int:
        await asyncio.sleep(0.5)  # the next batch's claim (milliseconds) has finished by now
        raise ConnectionError("the database went away while recording")

    sender._send_batch = fails_once_the_next_is_claimed  # type: ignore[method-assign]
    with contextlib.suppress(ConnectionError):
        await sender.send_backlog()
    assert sender._held_leases == set(), "a claimed batch is still renewed by nobody's work"

    def about_40() -> int:
        return sum("Deliverable 40" in str(m["Subject"]) for m in mail.handler.messages)

    sender._send_batch = send_batch  # type: ignore[method-assign]
    started = time.monotonic()
    while about_40() < 6 and time.monotonic() - started < 10:
        await sender.send_backlog()
        await asyncio.sleep(0.1)
    assert about_40() == 6
    assert time.monotonic() - started < 5  # within the 1 s leases, not never
