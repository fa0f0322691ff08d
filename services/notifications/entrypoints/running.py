"""Start and stop the background work: the Kafka consumer, the sender, digests and retention."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress

import structlog

from services.notifications.adapters.metrics import DIGEST_RUNS, DIGESTS_QUEUED
from services.notifications.adapters.topics import CONSUMED_TOPICS, DEAD_LETTER_TOPIC
from services.notifications.use_cases.digests import queue_due_digests
from services.notifications.use_cases.retention import apply_retention
from services.notifications.wiring import Wiring
from shared.consumer_positions import rewind_positions_past_log_end
from shared.kafka import ensure_topics
from shared.outbox_wiring import relay_running

log = structlog.get_logger()


@asynccontextmanager
async def running(wiring: Wiring) -> AsyncIterator[Wiring]:
    """Run every background loop while the block is open; stop them cleanly afterwards."""
    settings = wiring.settings
    tasks = [
        asyncio.create_task(wiring.sender.run(), name="sender"),
        asyncio.create_task(_start_consumer(wiring), name="consumer-start"),
        asyncio.create_task(
            _every(settings.digest_check_interval_seconds, lambda: _digests(wiring)), name="digests"
        ),
        asyncio.create_task(
            _every(settings.retention_check_interval_seconds, lambda: _retention(wiring)),
            name="retention",
        ),
        asyncio.create_task(
            _every(wiring.common.kafka_topic_check_interval_seconds, lambda: _topics(wiring)),
            name="topics",
        ),
        asyncio.create_task(
            _every(wiring.common.kafka_position_check_interval_seconds, lambda: _positions(wiring)),
            name="positions",
        ),
    ]
    try:
        async with relay_running(wiring.relay):
            yield wiring
    finally:
        await wiring.sender.stop()
        for task in tasks[1:]:
            task.cancel()
        await _within(
            STOP_SECONDS, "background_loops", asyncio.gather(*tasks, return_exceptions=True)
        )
        await _within(STOP_SECONDS, "consumer", wiring.consumer.broker.stop())
        wiring.engine.dispose()


# A stop is bounded: what is abandoned is safe to abandon (leases lapse, uncommitted offsets
# are redelivered and the inbox skips what was handled), and a pod must exit within its grace.
STOP_SECONDS = 10.0


async def _within(seconds: float, step: str, work: Awaitable[object]) -> None:
    try:
        await asyncio.wait_for(work, seconds)
    except TimeoutError:
        log.warning("shutdown_step_abandoned", step=step, after_seconds=seconds)
    except Exception as exc:
        log.warning("shutdown_step_failed", step=step, error=str(exc))


async def _start_consumer(wiring: Wiring) -> None:
    """Keep trying until the broker is there: the HTTP API works without it meanwhile."""
    delay = 0.5
    while True:
        try:
            await ensure_topics(wiring.common, [*CONSUMED_TOPICS, DEAD_LETTER_TOPIC])
            await wiring.consumer.broker.start()
            wiring.consumer.started.set()
            log.info("consumer_started", bootstrap=wiring.common.kafka_bootstrap_servers)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("consumer_start_retrying", error=str(exc), retry_in=delay)
            with suppress(Exception):
                await wiring.consumer.broker.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


async def _every(seconds: float, job: Callable[[], Awaitable[None]]) -> None:
    while True:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("periodic_job_failed", error=str(exc))
        await asyncio.sleep(seconds)


async def _digests(wiring: Wiring) -> None:
    try:
        queued = await asyncio.to_thread(queue_due_digests, wiring.engine)
    except Exception:
        DIGEST_RUNS.labels("failed").inc()
        raise
    DIGEST_RUNS.labels("ok").inc()
    DIGESTS_QUEUED.inc(queued)
    if queued:
        wiring.sender.wake()


async def _topics(wiring: Wiring) -> None:
    """Every topic the consumer reads exists, even on a broker that restarted empty."""
    if wiring.consumer.started.is_set():
        await ensure_topics(wiring.common, [*CONSUMED_TOPICS, DEAD_LETTER_TOPIC])


async def _positions(wiring: Wiring) -> None:
    """No partition waits beyond the end of a log the broker lost (a restart empty, say)."""
    if wiring.consumer.started.is_set():
        for subscriber in wiring.consumer.broker.subscribers:
            kafka_consumer = getattr(subscriber, "consumer", None)
            if kafka_consumer is not None:
                await rewind_positions_past_log_end(kafka_consumer)


async def _retention(wiring: Wiring) -> None:
    await asyncio.to_thread(apply_retention, wiring.engine, wiring.settings)
