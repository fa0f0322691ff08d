"""PostgreSQL down while events arrive: they wait for it, and none is dead-lettered or lost.

On a private cluster (``tests.private_postgres``), never the machine's shared one.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from services.notifications.adapters.leases import claim_due
from services.notifications.adapters.topics import DEAD_LETTER_TOPIC, DELIVERABLE_TOPIC
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.database_setup import confirmed, deliveries, handle, migrated
from services.notifications.tests.events import status_changed
from services.notifications.tests.sinks import Broker, MailSink, eventually
from services.notifications.tests.test_immediate_email import read_topic
from shared.db import transaction
from tests.private_postgres import PrivatePostgres

pytestmark = pytest.mark.postgres


async def test_events_that_arrive_while_postgres_is_down_are_emailed_once_it_is_back(
    private_postgres_cluster: PrivatePostgres, broker: Broker, mail: MailSink
) -> None:
    cluster = private_postgres_cluster
    url = cluster.create_database(f"notify_{uuid.uuid4().hex[:8]}")
    # Two failed attempts would dead-letter a message; a database away must never count as one.
    settings = make_settings(url, mail, consumer_max_attempts=2)
    async with run_service(settings, broker.bootstrap) as service:
        confirmed(service.wiring.engine, settings, "ida@example.org", "deliverable", "40")
        await asyncio.to_thread(cluster.stop, "immediate")
        try:
            for status in ("complete", "outstanding"):
                await service.publish(DELIVERABLE_TOPIC, status_changed(40, status), key="40")
            await asyncio.sleep(3.0)  # many retry intervals (0.05 s, doubling)
        finally:
            await asyncio.to_thread(cluster.start)

        def subjects() -> list[str]:
            return sorted(
                str(m["Subject"]) for m in mail.handler.messages if "Deliverable" in m["Subject"]
            )

        emailed = await eventually(lambda: len(subjects()) >= 2 and subjects(), timeout=60)
        assert len(emailed) == 2, emailed
        await service.publish(DEAD_LETTER_TOPIC, b"marker", key="40")
        letters = await read_topic(broker.bootstrap, DEAD_LETTER_TOPIC, 1)
        assert letters[0].value == b"marker"  # nothing was dead-lettered before it


def test_a_lease_that_lapsed_while_postgres_was_away_is_not_taken_over_at_once(
    private_postgres_cluster: PrivatePostgres, mail: MailSink
) -> None:
    cluster = private_postgres_cluster
    engine = migrated(cluster.create_database(f"lease_{uuid.uuid4().hex[:8]}"))
    settings = make_settings(str(engine.url.render_as_string(hide_password=False)), mail)
    confirmed(engine, settings, "bea@example.org", "deliverable", "40")
    handle(engine, status_changed(40))
    with transaction(engine) as session:  # a sender claims the emails (and may have sent one)
        claim_due(session, token="holder", batch_size=10, lease_seconds=1.0)
    cluster.restart("immediate")
    time.sleep(1.5)  # the holder's lease lapsed while it could not renew it
    with transaction(engine) as session:
        claim_due(session, token="other", batch_size=10, lease_seconds=5.0)
    assert {d.lease_token for d in deliveries(engine)} == {"holder"}  # one lease's grace
    began = time.monotonic()
    while {d.lease_token for d in deliveries(engine)} != {"other"}:
        assert time.monotonic() - began < 10, "never taken over after the grace"
        time.sleep(0.2)
        with transaction(engine) as session:
            claim_due(session, token="other", batch_size=10, lease_seconds=5.0)
    engine.dispose()
