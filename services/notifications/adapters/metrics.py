"""What the notifications service reports at ``/metrics``, beside the shared request metrics.

Counters are bumped where things happen; deliveries by state, suspended addresses and consumer
lag are read when Prometheus scrapes, so they are right even after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from aiokafka import AIOKafkaConsumer
from prometheus_client import Counter, Gauge
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from services.notifications.adapters.tables import Delivery, DeliveryState, Subscriber

if TYPE_CHECKING:
    from services.notifications.entrypoints.consumer import EventConsumer

EVENTS = Counter(
    "cjp_notifications_events_total",
    "Events the consumer took, by outcome: handled, duplicate (skipped), ignored, dead_lettered,"
    " set_aside (too large to dead-letter)",
    ["outcome"],
)
HANDLING_FAILURES = Counter(
    "cjp_notifications_event_handling_failures_total",
    "Attempts to handle an event that failed and will be retried or dead-lettered",
)
DIGEST_RUNS = Counter(
    "cjp_notifications_digest_runs_total", "Digest checks run, by result", ["result"]
)
DIGESTS_QUEUED = Counter("cjp_notifications_digests_queued_total", "Digest emails queued")
CONSUMER_LAG = Gauge(
    "cjp_consumer_lag_messages",
    "Messages on a partition not yet consumed by this replica (high-water mark - position)",
    ["group", "topic", "partition"],
)
LAG_TIMEOUT_SECONDS = 1.0


class DeliveryCollector(Collector):
    """Emails by state (pending, retrying, sent, failed) and suspended addresses, from the DB."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with Session(self._engine) as session:
            by_state = dict(
                session.exec(select(Delivery.state, func.count()).group_by(Delivery.state)).all()
            )
            suspended = session.exec(
                select(func.count()).where(col(Subscriber.suspended_at).is_not(None))
            ).one()
        emails = GaugeMetricFamily(
            "cjp_notifications_emails", "Emails held, by delivery state", labels=["state"]
        )
        for state in DeliveryState:
            emails.add_metric([state.value], by_state.get(state.value, 0))
        yield emails
        yield GaugeMetricFamily(
            "cjp_notifications_suspended_addresses",
            "Subscriber addresses suspended after permanent failures or complaints",
            value=suspended,
        )


async def refresh_consumer_lag(consumer: EventConsumer, group: str) -> None:
    """Set the lag gauge for every partition this replica is assigned."""
    CONSUMER_LAG.clear()
    for subscriber in consumer.broker.subscribers:
        kafka = getattr(subscriber, "consumer", None)
        if isinstance(kafka, AIOKafkaConsumer):
            await _record_lag(kafka, group)


async def _record_lag(kafka: AIOKafkaConsumer, group: str) -> None:
    for partition in kafka.assignment():
        highwater = kafka.highwater(partition)
        if highwater is None:
            continue  # nothing fetched yet: unknown, rather than a made-up zero
        with contextlib.suppress(Exception):
            position = await asyncio.wait_for(kafka.position(partition), LAG_TIMEOUT_SECONDS)
            lag = max(highwater - position, 0)
            CONSUMER_LAG.labels(group, partition.topic, str(partition.partition)).set(lag)
