"""Rate budgets decided in memory and shared through the database in batches.

Each process keeps its own view of every budget it has seen (the shared ``tat`` at its last sync,
moved on by what it admitted since; see ``rate_limits.py`` for the algorithm) and decides every
request from it, with no database call. A sync writes what the process spent and reads back the
shared value, which includes every other replica's spends. A sync runs every ``sync_seconds`` while
requests come, once a budget has ``sync_requests // 2`` unsynced requests (in the background), and
before deciding a budget that has ``sync_requests`` unsynced requests or has never been read.

Bound: a process never holds more than ``sync_requests`` (N) unsynced requests of one budget (those
being written count until the write commits), and a view misses at most the other replicas'
unsynced requests. So with R replicas a client can get at
most (R - 1) * N requests beyond its budget, and the excess is written like any spend, so the
client waits it off afterwards. With one replica every decision is the same as deciding in the
database.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlalchemy import Engine, case, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from services.gateway.adapters.rate_limits import Limit, prune_idle
from services.gateway.adapters.tables import RateBudget

log = structlog.get_logger()
_PRUNE_EVERY_SECONDS = 300.0
_FORGET_FULL_AFTER_SECONDS = 60.0  # a budget that has been full again this long leaves memory


@dataclass
class _Budget:
    """This process's view of one shared budget."""

    interval: float
    allowance: float
    tat: float = 0.0  # the shared tat at the last sync, moved on by what was admitted here since
    unsynced: int = 0  # requests admitted here and not yet written
    synced: bool = False  # read from the database at least once

    def spend(self, now: float) -> float:
        """The same rule as ``rate_limits.spend``, on this view: 0 to go ahead, else the wait."""
        start = max(self.tat, now)
        if start + self.interval - now > self.allowance:
            return max(0.001, start + self.interval - self.allowance - now)
        self.tat = start + self.interval
        self.unsynced += 1
        return 0.0


Spent = dict[str, tuple[int, float, float]]  # key: (requests, local tat, interval)


def write_and_read(engine: Engine, spent: Spent, unread: list[str]) -> dict[str, float]:
    """Add ``spent`` to the shared budgets and read ``unread``, in one transaction.

    A row's tat becomes the larger of (its tat plus this process's unsynced requests) and this
    process's local tat: other replicas' spends are kept, and a lone replica's row ends exactly
    where its local view is. Returns every key's shared tat (0.0: no row, a full budget).
    """
    table = RateBudget.__table__  # type: ignore[attr-defined]
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    tats: dict[str, float] = {}
    with engine.begin() as connection:
        for key, (count, local_tat, interval) in sorted(spent.items()):  # one lock order
            moved = table.c.tat + count * interval
            statement = (
                dialect.insert(table)
                .values(key=key, tat=local_tat, allowed=True)
                .on_conflict_do_update(
                    index_elements=["key"],
                    set_={"tat": case((moved > local_tat, moved), else_=literal(local_tat))},
                )
                .returning(table.c.tat)
            )
            tats[key] = float(connection.execute(statement).scalar_one())
        if unread:
            rows = connection.execute(
                select(table.c.key, table.c.tat).where(table.c.key.in_(unread))
            )
            tats.update(dict.fromkeys(unread, 0.0) | {key: float(tat) for key, tat in rows})
    return tats


class BatchedRateLimiter:
    """Answers how long to wait (0: go ahead) from memory; syncs with the database in batches."""

    def __init__(
        self,
        engine: Callable[[], Engine],
        *,
        sync_seconds: float,
        sync_requests: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._sync_seconds = sync_seconds
        self._cap = max(1, sync_requests)
        self._budgets: dict[str, _Budget] = {}
        self._syncing: asyncio.Future[None] | None = None
        self._last_sync = 0.0
        self._last_prune = self._last_forget = clock()

    async def wait_for(self, limits: list[Limit]) -> float:
        budgets = [self._budget(limit) for limit in limits]
        while not all(budget.synced and budget.unsynced < self._cap for budget in budgets):
            await asyncio.shield(self._start_sync())
            budgets = [self._budget(limit) for limit in limits]  # a sync may have forgotten some
        now = self._clock()
        wait = max(budget.spend(now) for budget in budgets)
        half = self._cap // 2
        if now - self._last_sync >= self._sync_seconds or any(
            half and budget.unsynced >= half for budget in budgets
        ):
            self._start_sync()
        return wait

    async def aclose(self) -> None:
        """Write what is still unsynced (at shutdown)."""
        if self._syncing is not None:
            await asyncio.shield(self._syncing)
        await self._sync_once()

    def _budget(self, limit: Limit) -> _Budget:
        budget = self._budgets.get(limit.key)
        if budget is None:
            budget = _Budget(limit.interval, limit.burst * limit.interval)
            self._budgets[limit.key] = budget
        return budget

    def _start_sync(self) -> asyncio.Future[None]:
        if self._syncing is None or self._syncing.done():
            self._syncing = asyncio.ensure_future(self._sync_once())
        return self._syncing

    async def _sync_once(self) -> None:
        now = self._last_sync = self._clock()
        self._forget_full_budgets(now)
        budgets = self._budgets
        spent = {k: (b.unsynced, b.tat, b.interval) for k, b in budgets.items() if b.unsynced}
        unread = [key for key, budget in budgets.items() if not budget.synced]
        if not spent and not unread:
            return
        # Requests in flight stay counted as unsynced until written: the cap of N covers them.
        tats = await asyncio.to_thread(self._write_and_read, spent, unread, now)
        for key in (*spent, *unread):
            budget = budgets.get(key)
            if budget is not None:
                budget.synced = True
                budget.unsynced = max(0, budget.unsynced - spent.get(key, (0, 0.0, 0.0))[0])
                shared = tats.get(key, 0.0) + budget.unsynced * budget.interval
                budget.tat = max(budget.tat, shared)

    def _write_and_read(self, spent: Spent, unread: list[str], now: float) -> dict[str, float]:
        engine = self._engine()
        try:
            if now - self._last_prune >= _PRUNE_EVERY_SECONDS:
                self._last_prune = now
                prune_idle(engine, now=now)
            return write_and_read(engine, spent, unread)
        except SQLAlchemyError as exc:
            # The store is down: carry on deciding from memory (per process) and say so loudly.
            log.warning("rate_limit_store_unavailable", error=type(exc).__name__)
            return {}

    def _forget_full_budgets(self, now: float) -> None:
        if now - self._last_forget < _FORGET_FULL_AFTER_SECONDS:
            return
        self._last_forget = now
        idle = now - _FORGET_FULL_AFTER_SECONDS
        for key in [k for k, b in self._budgets.items() if not b.unsynced and b.tat < idle]:
            del self._budgets[key]
