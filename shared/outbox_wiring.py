"""The one way a service builds and runs its outbox relay (called from each ``wiring.py``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from sqlalchemy import Engine

from shared.outbox import OutboxRelay
from shared.settings import CommonSettings

STOP_SECONDS = 10.0


class RelaySettings(Protocol):
    """What a service's settings say about its relay (``CJP_<SERVICE>_RELAY_*``)."""

    @property
    def relay_enabled(self) -> bool: ...

    @property
    def relay_lock_key(self) -> int: ...


def build_relay(
    engine: Engine, settings: RelaySettings, common: CommonSettings, topics: Sequence[str]
) -> OutboxRelay | None:
    """The relay publishing ``engine``'s outbox to ``topics``, or None when it is turned off."""
    if not settings.relay_enabled:
        return None
    return OutboxRelay(
        engine=engine, settings=common, topics=list(topics), lock_key=settings.relay_lock_key
    )


@contextlib.asynccontextmanager
async def relay_running(relay: OutboxRelay | None) -> AsyncIterator[None]:
    """Run the relay while the block is open; stop it (bounded in time) when it closes."""
    if relay is None:
        yield
        return
    task = asyncio.create_task(relay.run(), name="outbox-relay")
    try:
        yield
    finally:
        await relay.stop()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=STOP_SECONDS)
