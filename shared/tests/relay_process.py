"""A lone outbox relay process for tests that SIGKILL a leader (arguments: URL BROKER TOPIC)."""

from __future__ import annotations

import asyncio
import sys

from shared.db import make_engine
from shared.outbox import OutboxRelay
from shared.settings import CommonSettings

LOCK_KEY = 7401


async def _run(url: str, bootstrap: str, topic: str) -> None:
    settings = CommonSettings(kafka_bootstrap_servers=bootstrap, outbox_poll_interval_seconds=0.1)
    relay = OutboxRelay(
        engine=make_engine(url), settings=settings, topics=[topic], lock_key=LOCK_KEY
    )
    await relay.run()


if __name__ == "__main__":
    asyncio.run(_run(*sys.argv[1:4]))
