"""Two consumers or two senders racing (replicas) still make one email per subscriber and event."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import insert

from services.notifications.adapters.tables import Subscriber, Subscription, utc_now
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.database_setup import deliveries, handle, migrated, sender_for
from services.notifications.tests.events import status_changed
from services.notifications.tests.sinks import MailSink
from shared.db import transaction


def add_confirmed_subscribers(engine: object, count: int) -> None:
    now = utc_now()
    with transaction(engine) as session:  # type: ignore[arg-type]
        session.execute(insert(Subscriber), [{"email": f"r{i}@example.org"} for i in range(count)])
        session.execute(
            insert(Subscription),
            [
                {
                    "subscriber_id": i + 1,
                    "target_kind": "deliverable",
                    "target_value": "40",
                    "status": "confirmed",
                    "created_at": now,
                }
                for i in range(count)
            ],
        )


def test_two_consumers_handling_the_same_event_at_once_record_it_once(database_url: str) -> None:
    engine = migrated(database_url)
    add_confirmed_subscribers(engine, 50)
    event = status_changed(40)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: handle(engine, event), range(2)))
    assert sorted(r.duplicate for r in results) == [False, True]
    assert len(deliveries(engine, "event")) == 50


async def test_two_senders_share_the_work_without_sending_anything_twice(
    database_url: str, mail: MailSink
) -> None:
    engine = migrated(database_url)
    add_confirmed_subscribers(engine, 120)
    handle(engine, status_changed(40))
    settings = NotificationsSettings(
        smtp_port=mail.port, send_rate_per_minute=0, sender_batch_size=20
    )
    first, second = sender_for(engine, settings), sender_for(engine, settings)
    counts = await asyncio.gather(first.send_backlog(), second.send_backlog())
    assert sum(counts) == 120, counts
    if database_url.startswith("postgresql"):  # SKIP LOCKED: each replica takes its own rows
        assert all(counts), counts
    addresses = [m["To"] for m in mail.handler.messages]
    assert len(addresses) == 120 == len(set(addresses))
    assert {d.state for d in deliveries(engine)} == {"sent"}
