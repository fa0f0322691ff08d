"""The sender against a real SMTP server: permanent failures suspend, the rate limit only delays."""

from __future__ import annotations

import time

from sqlmodel import Session, select

from services.notifications.adapters.tables import DeliveryState, Subscriber
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.database_setup import (
    confirmed,
    deliveries,
    handle,
    migrated,
    sender_for,
)
from services.notifications.tests.events import deliverable_event, service_event, status_changed
from services.notifications.tests.sinks import MailSink, body_text


async def test_permanent_failures_suspend_the_address_and_every_email_keeps_its_reason(
    database_url: str, mail: MailSink
) -> None:
    engine = migrated(database_url)
    settings = NotificationsSettings(
        smtp_port=mail.port,
        send_rate_per_minute=0,
        permanent_failures_before_suspension=2,
        sender_batch_size=1,
    )
    confirmed(engine, settings, "bounce@example.org", "deliverable", "40")
    sender = sender_for(engine, settings)
    await sender.send_due()  # the confirmation goes through
    mail.handler.reject_addresses.add("bounce@example.org")
    handle(engine, status_changed(40, "complete"))
    await sender.send_due()
    handle(engine, status_changed(40, "outstanding"))
    handle(engine, status_changed(40, "in_progress"))
    await sender.send_due()  # second permanent failure: suspended
    await sender.send_due()  # the one queued before the suspension is not tried
    states = [(d.state, d.last_error or "") for d in deliveries(engine, "event")]
    assert [s[0] for s in states] == [DeliveryState.FAILED] * 3
    assert "550" in states[0][1] and "550" in states[1][1]
    assert "suspended" in states[2][1]
    assert mail.handler.attempts == 1  # only the confirmation's DATA; the rest stopped at RCPT
    with Session(engine) as session:
        subscriber = session.exec(select(Subscriber)).one()
        assert subscriber.suspended_at is not None
    assert handle(engine, status_changed(40, "complete")).emails == 0  # no new mail is queued


async def test_the_rate_limit_delays_mail_but_sends_all_of_it(
    sqlite_database_url: str, mail: MailSink
) -> None:
    engine = migrated(sqlite_database_url)
    settings = NotificationsSettings(smtp_port=mail.port, send_rate_per_minute=120)  # 2 a second
    for number in range(6):
        confirmed(engine, settings, f"p{number}@example.org", "all_deliverables")
    unlimited = settings.model_copy(update={"send_rate_per_minute": 0})
    await sender_for(engine, unlimited).send_due()  # six confirmations, not timed
    sender = sender_for(engine, settings)
    started = time.monotonic()
    handle(engine, status_changed(40))
    while await sender.send_due():
        pass
    elapsed = time.monotonic() - started
    assert elapsed >= 1.5, elapsed
    assert all(d.state == DeliveryState.SENT for d in deliveries(engine))
    assert len(mail.handler.messages) == 12


async def test_every_event_type_reads_plainly_and_says_why(
    database_url: str, mail: MailSink
) -> None:
    engine = migrated(database_url)
    settings = NotificationsSettings(smtp_port=mail.port, send_rate_per_minute=0)
    confirmed(engine, settings, "all@example.org", "all_deliverables")
    confirmed(engine, settings, "fife@example.org", "local_authority", "fife")
    events = [
        deliverable_event("DeliverableAdded", status="in_progress", timescale="2026"),
        deliverable_event(
            "DeliverableTimescaleRevised",
            old_timescale="2025",
            new_timescale="2027",
            reason="Waiting for <b>funding</b>",
            round="2025-26",
        ),
        deliverable_event("DeliverableUpdated", narrative="Training has started.", round=None),
        service_event("ServiceWithdrawn", reason="Funding ended"),
    ]
    for event in events:
        handle(engine, event)
    await sender_for(engine, settings).send_due()
    subjects = [str(m["Subject"]).strip() for m in mail.handler.messages]  # may be folded
    assert "Deliverable 40 (Improve access to throughcare) has a new timescale: 2027" in subjects
    assert "Fife Women's Justice Service has been withdrawn" in subjects
    revised = next(m for m in mail.handler.messages if "timescale" in m["Subject"])
    html = revised.get_body(preferencelist=("html",))
    assert html is not None and "&lt;b&gt;funding&lt;/b&gt;" in html.get_content()
    for message in mail.handler.messages:
        text = body_text(message)
        assert "You are getting this" in text
        assert "/manage?token=" in text or "confirm" in message["Subject"].lower()
