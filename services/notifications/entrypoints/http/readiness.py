"""Readiness of the notifications service: its database, and the consumer in its group."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI
from sqlalchemy import Engine

from services.notifications.entrypoints.consumer import EventConsumer
from shared.health import NotReady

BROKER_PING_SECONDS = 1.0
_UNKNOWN_MEMBER = ""


def notifications_engine(app: FastAPI) -> Engine | None:
    wiring = getattr(app.state, "wiring", None)
    return wiring.engine if wiring is not None else None


async def consumer_in_group(app: FastAPI) -> None:
    """Ready once the consumer has started, joined its group and the broker answers."""
    wiring = getattr(app.state, "wiring", None)
    if wiring is None:
        raise NotReady("starting")
    consumer: EventConsumer = wiring.consumer
    if not consumer.started.is_set():
        raise NotReady("consumer starting: broker not reached yet")
    if not all(_is_member(kafka) for kafka in _kafka_consumers(consumer)):
        raise NotReady("consumer has not joined its group yet")
    if not await consumer.broker.ping(timeout=BROKER_PING_SECONDS):
        raise NotReady("broker does not answer")


def _kafka_consumers(consumer: EventConsumer) -> list[AIOKafkaConsumer | None]:
    return [getattr(subscriber, "consumer", None) for subscriber in consumer.broker.subscribers]


def _is_member(kafka: AIOKafkaConsumer | None) -> bool:
    # aiokafka keeps the member id the coordinator gave it; it is empty until the group is joined.
    coordinator = getattr(kafka, "_coordinator", None)
    return coordinator is not None and getattr(coordinator, "member_id", "") != _UNKNOWN_MEMBER
