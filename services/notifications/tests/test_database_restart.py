"""PostgreSQL down while events arrive: they wait for it, and none is dead-lettered or lost.

On a private cluster (``tests.private_postgres``), never the machine's shared one.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from services.notifications.adapters.topics import DEAD_LETTER_TOPIC, DELIVERABLE_TOPIC
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.database_setup import confirmed
from services.notifications.tests.events import status_changed
from services.notifications.tests.sinks import Broker, MailSink, eventually
from services.notifications.tests.test_immediate_email import read_topic
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
