"""Reliability: redelivered events send one email, poison messages are parked, outages delay only.

The broker-outage test replaces the broker with a new, empty one, so it runs last.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.event_catalogue import load_catalogue, published_messages
from shared.events import Actor, EventEnvelope
from tests.e2e.flows import (
    STATUS_LABELS,
    change_status,
    deliverable,
    mentions_status,
    new_address,
    other_statuses,
    subscribe_and_confirm,
)
from tests.e2e.gateway import Gateway
from tests.e2e.system import MEASUREMENTS, RunningSystem

pytestmark = pytest.mark.e2e

DELIVERABLE_TOPIC = "deliverables.deliverable.v1"
DEAD_LETTER_TOPIC = "notifications.dead-letter.v1"
COORDINATOR = "coordinator@cjp.test"
CATALOGUE = Path(__file__).resolve().parents[2] / "services" / "deliverables" / "asyncapi.json"
PUBLISHED = published_messages(load_catalogue(CATALOGUE))


def status_changed(found: dict[str, Any], old: str, new: str) -> EventEnvelope:
    """A DeliverableStatusChanged event as the deliverables service publishes it: checked
    against its committed catalogue, so this copy cannot drift from the producer."""
    envelope = EventEnvelope(
        event_type="DeliverableStatusChanged",
        source="deliverables",
        aggregate_id=str(found["number"]),
        actor=Actor(subject="e2e-test", role="coordinator"),
        data={
            "number": found["number"],
            "title": found["title"],
            "aim": found["aim"],
            "priority_action": found["priorityAction"],
            "lead_partners": [lead["slug"] for lead in found["leadPartners"]],
            "old_status": old.lower(),
            "new_status": new.lower(),
            "round": None,
            "reason": "Published by the e2e test",
        },
    )
    schema = PUBLISHED[(DELIVERABLE_TOPIC, envelope.event_type)]
    jsonschema.validate(json.loads(envelope.to_bytes()), schema)
    assert set(envelope.data) <= set(schema["properties"]["data"]["properties"])
    return envelope


async def publish(system: RunningSystem, key: str, *values: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=system.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(DELIVERABLE_TOPIC, value=value, key=key.encode())
    finally:
        await producer.stop()


async def dead_letters(system: RunningSystem) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        DEAD_LETTER_TOPIC,
        bootstrap_servers=system.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        metadata_max_age_ms=500,
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=3000)
        return [record.value or b"" for records in batches.values() for record in records]
    finally:
        await consumer.stop()


async def test_an_event_delivered_twice_sends_one_email(
    system: RunningSystem, gateway: Gateway
) -> None:
    address = new_address("duplicate")
    await subscribe_and_confirm(gateway, system, address, "DELIVERABLE", "31")
    found = await deliverable(gateway, 31)
    first, later = other_statuses(found["status"])[:2]
    event = status_changed(found, found["status"], first)

    await publish(system, "31", event.to_bytes(), event.to_bytes())
    # The later event follows on the same partition, so once its email is here the copy was handled.
    await publish(system, "31", status_changed(found, first, later).to_bytes())

    await system.wait_for_emails(address, matching=mentions_status(STATUS_LABELS[later]))
    await asyncio.sleep(1.0)
    emails = system.emails_to(address)
    assert len(emails) == 3, [email.subject for email in emails]  # confirmation, first, later


async def test_a_malformed_message_is_dead_lettered_and_the_next_event_still_emails(
    system: RunningSystem, gateway: Gateway
) -> None:
    address = new_address("poison")
    await subscribe_and_confirm(gateway, system, address, "DELIVERABLE", "32")
    found = await deliverable(gateway, 32)
    poison = b'{"event_type": "DeliverableStatusChanged", "not": "an envelope", "id": "%s"' % (
        uuid.uuid4().hex.encode()
    )
    new_status = other_statuses(found["status"])[0]

    await publish(
        system, "32", poison, status_changed(found, found["status"], new_status).to_bytes()
    )

    await system.wait_for_emails(address, matching=mentions_status(STATUS_LABELS[new_status]))
    deadline = time.monotonic() + 15
    while poison not in await dead_letters(system):
        assert time.monotonic() < deadline, "the malformed message never reached the dead letters"


async def test_a_change_made_while_the_broker_is_down_is_emailed_once_a_broker_is_back(
    system: RunningSystem, gateway: Gateway
) -> None:
    address = new_address("outage")
    await subscribe_and_confirm(gateway, system, address, "DELIVERABLE", "12")
    before = await deliverable(gateway, 12)
    new_status = other_statuses(before["status"])[0]
    await gateway.token_for(COORDINATOR)

    system.stop_broker()
    try:
        result = await change_status(gateway, 12, new_status, as_user=COORDINATOR)
        assert not result.errors, result.errors
        await asyncio.sleep(2.0)
        assert len(system.emails_to(address)) == 1  # only the confirmation so far
    finally:
        restarted_at = time.time()
        system.start_broker()

    emails = await system.wait_for_emails(
        address, matching=mentions_status(STATUS_LABELS[new_status]), timeout=45
    )
    recovery = emails[0].delivered_at.timestamp() - restarted_at
    MEASUREMENTS.append(
        f"broker restarted (new, empty) -> delayed email delivered: {recovery:.1f} s"
    )
