"""A broker SIGKILLed mid-run while changes keep coming and a consumer stays up (Tansu).

Usage: python -m bench.relay_broker_kill [--runs N]   (about 15 s a run, 45 s when one stalls)
Prints, per run: events committed, when the broker was killed, how many the relay published
again, how many were lost (neither delivered nor still waiting in the outbox), delivered twice,
and still waiting, then a total. Not part of `make test` (a minute and a half for 6 runs).
Tansu 0.6 (memory storage) can acknowledge records just after such a restart and then not serve
them (``bench/tansu_produce_before_create.py``); the relay reads records back and publishes
again what is missing (``shared/outbox_readback.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from conftest import TansuBroker, free_port
from shared.events import EventEnvelope
from shared.outbox import OutboxMessage, OutboxRelay
from shared.settings import CommonSettings
from shared.tests.test_relay_broker_forgets import TOPIC, _commit_events, _engine


async def _read_until(consumer: AIOKafkaConsumer, seen: list[uuid.UUID], wanted: int) -> None:
    """A slow consumer that stays up through the crash: 5 records, a commit, a pause."""
    while len(set(seen)) < wanted:
        try:
            batch = await consumer.getmany(timeout_ms=200, max_records=5)
            for messages in batch.values():
                seen += [EventEnvelope.from_bytes(m.value).event_id for m in messages]
            await consumer.commit()
        except Exception:  # the broker is away: a real consumer carries on once it is back
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.02)


async def one_run(database_url: str) -> tuple[int, int]:
    """One run; returns (lost, not delivered within 30 s of the restart)."""
    engine = _engine(database_url)
    broker = TansuBroker(free_port())
    broker.start()
    settings = CommonSettings(
        kafka_bootstrap_servers=broker.bootstrap, outbox_verify_interval_seconds=1.0
    )
    relay = OutboxRelay(engine=engine, settings=settings, topics=[TOPIC], lock_key=7202)
    relay_task = asyncio.create_task(relay.run())
    consumer = AIOKafkaConsumer(
        TOPIC, bootstrap_servers=broker.bootstrap, group_id=f"g-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest", enable_auto_commit=False, session_timeout_ms=6000,
        heartbeat_interval_ms=500,
    )  # fmt: skip
    seen: list[uuid.UUID] = []
    committed: list[uuid.UUID] = []
    try:
        await consumer.start()
        reading = asyncio.create_task(_read_until(consumer, seen, 200))
        for first in range(0, 200, 10):  # changes keep coming, about 100 a second
            committed += await asyncio.to_thread(_commit_events, engine, first, 10)
            if first == 100:
                at_kill = (len(committed), len(set(seen)))
                broker.kill()
                await asyncio.sleep(0.5)
                broker.start()
                restarted = time.monotonic()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reading, timeout=30)
        recovered_in = time.monotonic() - restarted
        waiting = _pending_ids(engine)
        in_broker = await _everything_in(broker.bootstrap)
    finally:
        await relay.stop()
        await relay_task
        await consumer.stop()
        broker.stop()
    lost = set(committed) - set(seen) - waiting
    print(
        f"\ncommitted {len(committed)}; broker SIGKILLed after {at_kill[0]} commits with "
        f"{at_kill[1]} consumed; replayed {relay.replayed}, lost {len(lost)}, delivered twice "
        f"{len(seen) - len(set(seen))}, still waiting in the outbox {len(waiting)}; "
        f"{len(set(seen))} delivered {recovered_in:.1f} s after the restart"
    )
    if lost:
        print(
            f"  not delivered, by the partition the broker acknowledged: {_where(engine, lost)}; "
            f"{len(lost & in_broker)} of them are in the broker (a new consumer group reads them)"
        )
    return len(lost), len(set(committed) - set(seen))


async def _everything_in(bootstrap: str) -> set[uuid.UUID]:
    """What a brand-new consumer group reads from the start of the topic."""
    consumer = AIOKafkaConsumer(
        TOPIC, bootstrap_servers=bootstrap, group_id=f"audit-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest", enable_auto_commit=False,
    )  # fmt: skip
    await consumer.start()
    found: set[uuid.UUID] = set()
    try:
        idle = 0
        while idle < 3:
            batch = await consumer.getmany(timeout_ms=1000)
            idle = 0 if batch else idle + 1
            for messages in batch.values():
                found |= {EventEnvelope.from_bytes(m.value).event_id for m in messages}
    finally:
        await consumer.stop()
    return found


def _where(engine: Engine, event_ids: set[uuid.UUID]) -> dict[int | None, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage.kafka_partition).where(col(OutboxMessage.event_id).in_(event_ids))
        )
        counts: dict[int | None, int] = {}
        for partition in rows:
            counts[partition] = counts.get(partition, 0) + 1
        return counts


def _pending_ids(engine: Engine) -> set[uuid.UUID]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage.event_id).where(col(OutboxMessage.state) == "pending")
        )
        return set(rows.all())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lost = undelivered = 0
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            url = f"sqlite:///{Path(folder) / f'run{run}.db'}"
            run_lost, run_undelivered = asyncio.run(one_run(url))
            lost, undelivered = lost + run_lost, undelivered + run_undelivered
    print(f"\n{args.runs} runs: {lost} lost, {undelivered} not delivered within 30 s")


if __name__ == "__main__":
    main()
