"""A change to an entry reaches the real broker (Tansu) through the outbox relay, keyed by id."""

from __future__ import annotations

import asyncio
import json
import uuid

from aiokafka import AIOKafkaConsumer
from fastapi.testclient import TestClient

from conftest import TansuBroker
from services.directory.app import create_app
from services.directory.events import SERVICE_TOPIC
from services.directory.settings import DirectorySettings
from services.directory.tests.conftest import FIFE_EDITOR
from shared.settings import CommonSettings
from tests.identity_signing import SignsTestIdentities


async def _consume_until(bootstrap: str, correlation_id: str) -> tuple[bytes, dict[str, object]]:
    consumer = AIOKafkaConsumer(
        SERVICE_TOPIC,
        bootstrap_servers=bootstrap,
        group_id=f"test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        async with asyncio.timeout(60):
            async for message in consumer:
                envelope = json.loads(message.value or b"{}")
                if envelope.get("correlation_id") == correlation_id:
                    return message.key or b"", envelope
    finally:
        await consumer.stop()
    raise AssertionError("unreachable")


async def test_service_update_is_published_to_kafka(
    kafka_broker: TansuBroker, database_url: str
) -> None:
    settings = DirectorySettings(database_url=database_url)
    common = CommonSettings(kafka_bootstrap_servers=kafka_broker.bootstrap)
    correlation_id = f"directory-{uuid.uuid4()}"
    with TestClient(create_app(settings, common)) as client:
        client.auth = SignsTestIdentities("directory")
        listed = await asyncio.to_thread(
            client.get, "/services", params={"local_authority": "fife"}
        )
        service_id = listed.json()["items"][0]["id"]
        response = await asyncio.to_thread(
            client.patch,
            f"/services/{service_id}",
            json={"contact_email": "new.bail@fife.example"},
            headers={**FIFE_EDITOR, "X-Correlation-ID": correlation_id},
        )
        assert response.status_code == 200
        key, envelope = await _consume_until(kafka_broker.bootstrap, correlation_id)
    assert key == service_id.encode()
    assert envelope["event_type"] == "ServiceUpdated"
    assert envelope["source"] == "directory"
    data = envelope["data"]
    assert isinstance(data, dict)
    assert data["service_id"] == service_id
    assert data["changes"] == {
        "contact_email": {"old": "bail.sample@fife.example", "new": "new.bail@fife.example"}
    }
