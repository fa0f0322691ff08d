"""A status change reaches the real broker (Tansu) through the outbox relay, keyed by number."""

from __future__ import annotations

import asyncio
import json
import uuid

from aiokafka import AIOKafkaConsumer
from fastapi.testclient import TestClient

from conftest import TansuBroker
from services.deliverables.app import create_app
from services.deliverables.events import DELIVERABLE_TOPIC
from services.deliverables.settings import DeliverablesSettings
from services.deliverables.tests.conftest import COORDINATOR
from shared.settings import CommonSettings
from tests.identity_signing import SignsTestIdentities


async def _consume_until(bootstrap: str, correlation_id: str) -> tuple[bytes, dict[str, object]]:
    consumer = AIOKafkaConsumer(
        DELIVERABLE_TOPIC,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        async with asyncio.timeout(30):
            async for message in consumer:
                envelope = json.loads(message.value or b"{}")
                if envelope.get("correlation_id") == correlation_id:
                    return message.key or b"", envelope
    finally:
        await consumer.stop()
    raise AssertionError("unreachable")


async def test_status_change_is_published_to_kafka(
    kafka_broker: TansuBroker, seeded_url: str
) -> None:
    settings = DeliverablesSettings(database_url=seeded_url)
    common = CommonSettings(kafka_bootstrap_servers=kafka_broker.bootstrap)
    correlation_id = f"kafka-{uuid.uuid4()}"
    with TestClient(create_app(settings, common)) as client:
        client.auth = SignsTestIdentities("deliverables")
        response = await asyncio.to_thread(
            client.post,
            "/deliverables/40/status",
            json={"status": "outstanding"},
            headers={**COORDINATOR, "X-Correlation-ID": correlation_id},
        )
        assert response.status_code == 200
        key, envelope = await _consume_until(kafka_broker.bootstrap, correlation_id)
    assert key == b"40"
    assert envelope["event_type"] == "DeliverableStatusChanged"
    assert envelope["data"]["new_status"] == "outstanding"  # type: ignore[index]
