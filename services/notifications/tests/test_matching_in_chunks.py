"""An event's deliveries are recorded in committed chunks: each subscriber once, even across a
crash between chunks, and the sender can start on the first chunk while the rest are matched."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from services.notifications.adapters.tables import (
    Delivery,
    DigestEntry,
    ReceivedEvent,
    Subscriber,
    utc_now,
)
from services.notifications.entrypoints.incoming import parse_event
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.database_setup import confirmed, migrated
from services.notifications.tests.events import status_changed
from services.notifications.use_cases.fanout import FanOutResult, record_event
from shared.events import EventEnvelope

SETTINGS = NotificationsSettings()
EVERYONE = {1, 2, 3, 4, 5, 6, 7, 8}  # subscriber ids mailed at once
DIGEST = 9  # follows only by digest: one daily line (daily beats weekly)


def audience(engine: Engine) -> None:
    """Followers of deliverable 40: some twice (immediate beats digest), one by digest only,
    one suspended. Subscriber ids follow the order of first subscription."""
    for n in range(1, 9):
        confirmed(engine, SETTINGS, f"p{n}@example.org", "deliverable", "40")
    confirmed(engine, SETTINGS, "digest@example.org", "aim", "3", frequency="weekly")
    confirmed(engine, SETTINGS, "digest@example.org", "priority_action", "7", frequency="daily")
    confirmed(engine, SETTINGS, "gone@example.org", "deliverable", "40")
    confirmed(engine, SETTINGS, "p2@example.org", "aim", "3", frequency="daily")
    confirmed(engine, SETTINGS, "p5@example.org", "all_deliverables")
    with Session(engine) as session:
        gone = session.exec(select(Subscriber).where(Subscriber.email == "gone@example.org")).one()
        gone.suspended_at = utc_now()
        session.add(gone)
        session.commit()


def record(engine: Engine, envelope: EventEnvelope, chunk_size: int, **options: Any) -> Any:
    event = parse_event(envelope)
    assert event is not None
    return record_event(
        engine,
        consumer="notifications",
        envelope=envelope,
        event=event,
        chunk_size=chunk_size,
        **options,
    )


def recorded(engine: Engine, envelope: EventEnvelope) -> tuple[Counter[int], dict[int, str]]:
    """Emails per subscriber, and each digest line's frequency by subscriber."""
    with Session(engine) as session:
        emails = session.exec(
            select(Delivery.subscriber_id).where(Delivery.event_id == envelope.event_id)
        ).all()
        entries = session.exec(
            select(DigestEntry.subscriber_id, DigestEntry.frequency).where(
                DigestEntry.event_id == envelope.event_id
            )
        ).all()
    return Counter(s for s in emails if s is not None), dict(entries)


def assert_each_once(engine: Engine, envelope: EventEnvelope) -> None:
    emails, entries = recorded(engine, envelope)
    assert emails == Counter(EVERYONE)
    assert entries == {DIGEST: "daily"}


def test_any_chunk_size_records_each_subscriber_once(database_url: str) -> None:
    engine = migrated(database_url)
    audience(engine)
    for chunk_size in (1, 2, 3, 5000):
        envelope = status_changed(40)
        result = record(engine, envelope, chunk_size)
        assert (result.duplicate, result.emails, result.digest_entries) == (False, 8, 1)
        assert_each_once(engine, envelope)


def test_each_chunk_is_committed_before_the_next_is_matched(database_url: str) -> None:
    engine = migrated(database_url)
    audience(engine)
    envelope = status_changed(40)
    seen_by_others: list[int] = []

    def count_committed() -> None:  # from another connection: only what was committed
        seen_by_others.append(sum(recorded(engine, envelope)[0].values()))

    record(engine, envelope, 3, after_chunk=count_committed)
    assert 0 < seen_by_others[0] < len(EVERYONE)  # the first chunk, visible on its own
    assert len(seen_by_others) >= 3 and seen_by_others == sorted(seen_by_others)
    assert_each_once(engine, envelope)


CRASH_AFTER_TWO_CHUNKS = textwrap.dedent(
    """
    import os, sys
    from services.notifications.tests.database_setup import migrated
    from services.notifications.tests.test_matching_in_chunks import record
    from shared.events import EventEnvelope

    chunks = []

    def crash_on_the_second() -> None:
        chunks.append(1)
        if len(chunks) == 2:
            os._exit(3)  # the process dies: nothing is cleaned up or rolled back by Python

    envelope = EventEnvelope.model_validate_json(sys.stdin.read())
    record(migrated(sys.argv[1]), envelope, 2, after_chunk=crash_on_the_second)
    """
)


def test_a_crash_between_chunks_loses_nothing_and_a_redelivery_duplicates_nothing(
    database_url: str,
) -> None:
    engine = migrated(database_url)
    audience(engine)
    envelope = status_changed(40)
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_AFTER_TWO_CHUNKS, database_url],
        input=envelope.model_dump_json(),
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert crashed.returncode == 3, crashed.stderr
    emails_before, _ = recorded(engine, envelope)
    assert 0 < sum(emails_before.values()) < len(EVERYONE)  # two chunks committed, not all
    with Session(engine) as session:
        stored = session.get(ReceivedEvent, envelope.event_id)
        assert stored is not None and stored.matched_at is None and stored.matching_after > 0

    resumed: FanOutResult = record(engine, envelope.model_copy(), 2)  # Kafka redelivers it
    assert not resumed.duplicate
    assert resumed.emails == len(EVERYONE) - sum(emails_before.values())
    assert_each_once(engine, envelope)
    again: FanOutResult = record(engine, envelope.model_copy(), 2)
    assert (again.duplicate, again.emails, again.digest_entries) == (True, 0, 0)
    assert_each_once(engine, envelope)
