"""Digests: at the subscriber's local time across clock changes, once per period, caught up once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from services.notifications.adapters.tables import DigestEntry
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.database_setup import (
    confirmed,
    deliveries,
    handle,
    migrated,
    sender_for,
)
from services.notifications.tests.events import deliverable_event, status_changed
from services.notifications.tests.sinks import MailSink, body_text
from services.notifications.use_cases.digests import last_boundary, queue_due_digests
from shared.db import transaction


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_daily_digest_time_follows_london_clock_changes() -> None:
    def boundary(now: str) -> datetime:
        return last_boundary(
            utc(now), zone="Europe/London", at="08:00", weekday=0, frequency="daily"
        )[0]

    assert boundary("2026-03-28T12:00") == utc("2026-03-28T08:00")  # GMT
    assert boundary("2026-03-29T12:00") == utc("2026-03-29T07:00")  # BST from 01:00 that day
    assert boundary("2026-03-29T07:30") == utc("2026-03-29T07:00")
    assert boundary("2026-03-29T06:59") == utc("2026-03-28T08:00")
    assert boundary("2026-10-25T12:00") == utc("2026-10-25T08:00")  # back to GMT
    assert boundary("2026-10-24T12:00") == utc("2026-10-24T07:00")


def test_weekly_digest_is_on_the_chosen_weekday_in_the_chosen_zone() -> None:
    moment, day = last_boundary(
        utc("2026-07-15T12:00"), zone="America/New_York", at="18:30", weekday=4, frequency="weekly"
    )
    assert moment == utc("2026-07-10T22:30") and day.isoformat() == "2026-07-10"  # a Friday
    moment, _ = last_boundary(
        utc("2026-07-17T22:31"), zone="America/New_York", at="18:30", weekday=4, frequency="weekly"
    )
    assert moment == utc("2026-07-17T22:30")


async def test_a_missed_digest_is_sent_once_after_a_restart(
    database_url: str, mail: MailSink
) -> None:
    engine = migrated(database_url)
    settings = NotificationsSettings(smtp_port=mail.port, send_rate_per_minute=0)
    confirmed(
        engine, settings, "dig@example.org", "aim", "3", frequency="daily", digest_time="08:00"
    )
    await sender_for(engine, settings).send_due()  # the confirmation email
    handle(engine, status_changed(40, "complete"))
    handle(engine, deliverable_event("DeliverableUpdated", number=41, narrative="Pilot started."))
    received = utc("2026-01-14T20:00")
    with transaction(engine) as session:
        session.execute(update(DigestEntry).values(received_at=received))

    assert queue_due_digests(engine, now=utc("2026-01-15T07:59")) == 0  # not time yet
    # The service was down at 08:00; it comes back at 11:00 and at 11:05 (two restarts).
    assert queue_due_digests(engine, now=utc("2026-01-15T11:00")) == 1
    assert queue_due_digests(engine, now=utc("2026-01-15T11:05")) == 0
    assert await sender_for(engine, settings).send_due() == 1

    digests = [m for m in mail.handler.to("dig@example.org") if "summary" in m["Subject"]]
    assert len(digests) == 1
    text = body_text(digests[0])
    assert "Deliverable 40" in text and "Pilot started." in text
    assert "daily summary" in text and digests[0]["List-Unsubscribe"]
    assert [d.digest_period for d in deliveries(engine, "digest")] == ["daily:2026-01-15"]


async def test_new_items_after_a_digest_wait_for_the_next_period(database_url: str) -> None:
    engine = migrated(database_url)
    settings = NotificationsSettings()
    confirmed(
        engine,
        settings,
        "wk@example.org",
        "deliverable",
        "40",
        frequency="weekly",
        digest_weekday=0,
    )
    handle(engine, status_changed(40))
    with transaction(engine) as session:
        session.execute(update(DigestEntry).values(received_at=utc("2026-01-10T10:00")))
    assert queue_due_digests(engine, now=utc("2026-01-12T09:00")) == 1  # Monday
    handle(engine, status_changed(40, "outstanding"))
    with transaction(engine) as session:
        session.execute(
            update(DigestEntry)
            .where(col(DigestEntry.delivery_id).is_(None))
            .values(received_at=utc("2026-01-13T10:00"))
        )
    assert queue_due_digests(engine, now=utc("2026-01-14T09:00")) == 0
    assert queue_due_digests(engine, now=utc("2026-01-19T09:00") + timedelta(minutes=1)) == 1
    periods = [d.digest_period for d in deliveries(engine, "digest")]
    assert periods == ["weekly:2026-01-12", "weekly:2026-01-19"]
