"""Replicas on one PostgreSQL database: migrations run once, one relay leads, another takes over."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine, create_engine, text
from sqlmodel import SQLModel

from shared.db import make_engine
from shared.events import EventEnvelope, new_event
from shared.outbox import OutboxMessage, OutboxRelay, pending_count
from shared.settings import CommonSettings
from shared.tests.relay_process import LOCK_KEY
from shared.tests.test_outbox_and_inbox import _consume
from shared.unit_of_work import UnitOfWork

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


def test_two_replicas_starting_together_migrate_a_fresh_database_once(
    postgres_database_url: str,
) -> None:
    env = {**os.environ, "CJP_DELIVERABLES_DATABASE_URL": postgres_database_url}
    command = [sys.executable, "-m", "deploy.cli", "migrate", "deliverables"]
    replicas = [
        subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outcomes = [(replica.wait(timeout=120), replica.stderr.read()) for replica in replicas]  # type: ignore[union-attr]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    engine = create_engine(postgres_database_url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    assert len(versions) == 1


class _Changed(BaseModel):
    sequence: int


def _commit(engine: Engine, topic: str, count: int) -> list[uuid.UUID]:
    ids = []
    for sequence in range(count):
        with UnitOfWork(engine) as uow:
            envelope = new_event(
                event_type="Changed", source="test", aggregate_id=str(sequence % 5),
                data=_Changed(sequence=sequence),
            )  # fmt: skip
            uow.publish(envelope, topic=topic)
            ids.append(envelope.event_id)
    return ids


def _lock_holder(engine: Engine) -> int | None:
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :key"),
            {"key": LOCK_KEY},
        ).scalar()


async def _until(condition: Any, *, within: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < within, what
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def test_one_relay_leads_and_another_takes_over_within_seconds_when_it_dies(
    postgres_database_url: str, kafka_broker: Any
) -> None:
    engine = make_engine(postgres_database_url)
    SQLModel.metadata.create_all(engine, tables=[OutboxMessage.__table__])  # type: ignore[attr-defined]
    topic = f"test.leader.{uuid.uuid4().hex[:8]}"
    leader = subprocess.Popen(
        [sys.executable, "-m", "shared.tests.relay_process", postgres_database_url,
         kafka_broker.bootstrap, topic],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    settings = CommonSettings(
        kafka_bootstrap_servers=kafka_broker.bootstrap, outbox_leader_retry_seconds=0.5
    )
    follower = OutboxRelay(engine=engine, settings=settings, topics=[topic], lock_key=LOCK_KEY)
    task: asyncio.Task[None] | None = None
    try:
        await _until(lambda: _lock_holder(engine), within=30, what="the first relay never led")
        leader_pid = _lock_holder(engine)
        task = asyncio.create_task(follower.run())
        before = _commit(engine, topic, 20)
        await _until(lambda: not pending_count(engine), within=30, what="the leader is stuck")
        assert _lock_holder(engine) == leader_pid, "the follower must not take the lock meanwhile"
        leader.send_signal(signal.SIGKILL)
        leader.wait()
        killed = time.monotonic()
        after = _commit(engine, topic, 20)
        await _until(lambda: not pending_count(engine), within=15, what="nobody took over")
        takeover = time.monotonic() - killed
        received = await _consume(kafka_broker.bootstrap, topic, 40)
    finally:
        if leader.poll() is None:
            leader.kill()
            leader.wait()
        await follower.stop()
        if task is not None:
            await task
        engine.dispose()
    got = [EventEnvelope.from_bytes(message.value).event_id for message in received]
    print(
        f"\nleader SIGKILLed; the other relay had published the 20 events committed since "
        f"{takeover:.1f} s after the kill; "
        f"received {len(set(got))} distinct of {len(before) + len(after)}, "
        f"{len(got) - len(set(got))} twice"
    )
    assert set(got) == set(before + after)
    assert takeover < 5
