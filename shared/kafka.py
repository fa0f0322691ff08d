"""Kafka client factories that honour the common settings."""

from __future__ import annotations

import contextlib

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.settings import CommonSettings


def make_producer(settings: CommonSettings) -> AIOKafkaProducer:
    """A producer that waits for every in-sync replica; idempotence only where the broker has it.

    No linger: its users (the outbox relay, the dead-letter writer) send each record on its own
    and wait for it, so a linger would only hold every record back before it is sent.
    """
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_idempotence=settings.kafka_enable_idempotence,
        acks="all",
        linger_ms=0,
        request_timeout_ms=10_000,
    )


async def ensure_topics(settings: CommonSettings, topics: list[str]) -> None:
    """Create the topics a service needs; existing ones are left as they are."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers, request_timeout_ms=10_000
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(
                name=topic, num_partitions=settings.kafka_topic_partitions, replication_factor=1
            )
            for topic in topics
            if topic not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()
