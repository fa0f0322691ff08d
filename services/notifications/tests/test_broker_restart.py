"""After the broker restarts empty, the next event is handled in seconds, whichever its topic.

Only the deliverables topic comes back with a producer; the consumer itself must re-create the
directory topic it also reads, or its offset commits for it fail and stall the whole group.
"""

from __future__ import annotations

import time

from conftest import TansuBroker, free_port
from services.notifications.adapters.topics import DELIVERABLE_TOPIC, SERVICE_TOPIC
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.events import service_event, status_changed
from services.notifications.tests.sinks import MailSink, eventually
from services.notifications.tests.test_immediate_email import subscribe_and_confirm
from shared.kafka import ensure_topics
from shared.settings import CommonSettings


async def test_the_next_event_after_an_empty_broker_restart_is_handled_within_seconds(
    sqlite_database_url: str, mail: MailSink
) -> None:
    broker = TansuBroker(free_port())
    broker.start()
    settings = make_settings(sqlite_database_url, mail)
    try:
        async with run_service(settings, broker.bootstrap) as service:
            await subscribe_and_confirm(service, mail, "ann@example.org", "deliverable", "40")
            inbox = lambda: mail.handler.to("ann@example.org")  # noqa: E731
            before = len(inbox())
            # The consumer handles (and commits offsets on) both topics before the crash.
            await service.publish(SERVICE_TOPIC, service_event(), key="17")
            await service.publish(DELIVERABLE_TOPIC, status_changed(40, "complete"), key="40")
            await eventually(lambda: len(inbox()) > before)
            broker.kill()
            broker.start()
            restarted = time.monotonic()
            # Only the deliverables relay comes back and re-creates its own topic.
            common = CommonSettings(kafka_bootstrap_servers=broker.bootstrap)
            await ensure_topics(common, [DELIVERABLE_TOPIC])
            await service.producer.client.force_metadata_update()
            waits = []
            for count, status in enumerate(["delayed", "in_progress", "complete"], start=2):
                sent = time.monotonic()
                await service.publish(DELIVERABLE_TOPIC, status_changed(40, status), key="40")
                await eventually(lambda: len(inbox()) >= before + count, timeout=90)  # noqa: B023
                waits.append(time.monotonic() - sent)
            since_restart = time.monotonic() - restarted
    finally:
        broker.stop()
    print(
        f"\nemails for the 3 changes after the broker restarted empty came "
        f"{', '.join(f'{wait:.1f} s' for wait in waits)} after each change "
        f"({since_restart:.1f} s after the restart in all)"
    )
    assert max(waits) < 15
