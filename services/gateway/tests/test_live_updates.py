"""A GraphQL subscription (graphql-transport-ws) streams status changes read from real Kafka."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from services.gateway.entrypoints import live_feed
from services.gateway.entrypoints.live_feed import DELIVERABLE_TOPIC
from services.gateway.tests.conftest import GatewayFactory, live_feed_reading
from shared.events import new_event
from shared.kafka import ensure_topics
from shared.settings import CommonSettings

SUBSCRIPTION = """
subscription { deliverableStatusChanged(number: 40) {
  eventId number title oldStatus newStatus round deliverable { number title }
} }
"""


class _StatusChanged(BaseModel):
    number: int
    title: str
    aim: int
    priority_action: int
    lead_partners: list[str]
    old_status: str
    new_status: str
    round: str | None


def status_changed(number: int) -> bytes:
    data = _StatusChanged(
        number=number,
        title=f"Deliverable {number} short title",
        aim=4,
        priority_action=8,
        lead_partners=["scottish-government"],
        old_status="in_progress",
        new_status="complete",
        round="Spring 2026",
    )
    event = new_event(
        event_type="DeliverableStatusChanged",
        source="deliverables",
        aggregate_id=str(number),
        data=data,
    )
    return event.to_bytes()


async def _subscribe(url: str) -> ClientConnection:
    ws = await connect(
        url.replace("http://", "ws://") + "/graphql",
        subprotocols=[Subprotocol("graphql-transport-ws")],
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
    return ws


async def _next_change(
    ws: ClientConnection, producer: AIOKafkaProducer, attempts: int = 40
) -> dict[str, Any]:
    """Publish until a matching change arrives (the feed starts from the topic's end)."""
    await producer.send_and_wait(DELIVERABLE_TOPIC, b"not json", key=b"40")
    await producer.send_and_wait(DELIVERABLE_TOPIC, status_changed(41), key=b"41")
    for _ in range(attempts):
        await producer.send_and_wait(DELIVERABLE_TOPIC, status_changed(40), key=b"40")
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=0.5))
        except TimeoutError:
            continue
        assert message["type"] == "next", message
        change: dict[str, Any] = message["payload"]["data"]["deliverableStatusChanged"]
        return change
    raise AssertionError("no status change arrived over the subscription")


async def test_status_changes_from_kafka_reach_graphql_subscribers(
    start_gateway: GatewayFactory, kafka_broker: Any
) -> None:
    common = CommonSettings(kafka_bootstrap_servers=kafka_broker.bootstrap)
    await ensure_topics(common, [DELIVERABLE_TOPIC])
    url = await start_gateway(common, live_updates_enabled=True)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_broker.bootstrap)
    await producer.start()
    ws = await _subscribe(url)
    try:
        change = await _next_change(ws, producer)
    finally:
        await ws.close()
        await producer.stop()
    uuid.UUID(change.pop("eventId"))
    assert change == {
        "number": 40,
        "title": "Deliverable 40 short title",
        "oldStatus": "IN_PROGRESS",
        "newStatus": "COMPLETE",
        "round": "Spring 2026",
        "deliverable": {"number": 40, "title": "Deliverable 40 short title"},
    }


async def test_the_feed_starts_streaming_once_a_late_broker_comes_up_and_says_when_it_reads(
    start_gateway: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``cjp_gateway_live_feed_reading`` is 1 while the feed reads, and 0 soon after the broker
    is gone (aiokafka raises nothing then: it is measured). Other gateways of this test session
    share the process, and so the gauge, until this one's feed reads: it is not read before."""
    from conftest import TansuBroker, free_port

    monkeypatch.setattr(live_feed, "READING_WITHIN_MS", 2_000)
    broker = TansuBroker(free_port())  # not started yet: the gateway must wait for it
    common = CommonSettings(kafka_bootstrap_servers=broker.bootstrap)
    url = await start_gateway(common, live_updates_enabled=True)
    ws = await _subscribe(url)
    async with httpx.AsyncClient(timeout=10) as http:
        await asyncio.to_thread(broker.start)
        try:
            await ensure_topics(common, [DELIVERABLE_TOPIC])
            producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
            await producer.start()
            try:
                change = await _next_change(ws, producer, attempts=60)
            finally:
                await producer.stop()
            assert await live_feed_reading(http, url) == 1
        finally:
            await ws.close()
            await asyncio.to_thread(broker.kill)
        for _ in range(100):  # 2 s without an answer to a fetch, read at the next scrape
            if await live_feed_reading(http, url) == 0:
                break
            await asyncio.sleep(0.1)
        assert await live_feed_reading(http, url) == 0, "still reading with the broker gone"
    assert change["number"] == 40 and change["newStatus"] == "COMPLETE"
