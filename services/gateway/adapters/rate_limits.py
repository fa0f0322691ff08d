"""Rate budgets kept in the gateway's database, so every replica spends the same budget.

Each client key has one row holding a theoretical arrival time (``tat``, the generic cell rate
algorithm: a token bucket in one number). A request is one upsert that, from the old row, both
decides and records: it goes ahead if ``max(tat, now) + interval - now <= burst * interval``,
and then ``tat`` moves on by one interval. The database serialises concurrent upserts on the
row, so N replicas allow the limit once, not N times. Idle rows are pruned now and then.

``SharedRateLimiter`` decides every request in the database: exact, one write per request, for
rare budgets (suggested corrections). The per-request client budgets use the same rows through
``rate_batches.BatchedRateLimiter``, which decides in memory and syncs in batches.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import structlog
from sqlalchemy import Engine, case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from services.gateway.adapters.tables import RateBudget

log = structlog.get_logger()
_PRUNE_EVERY_SECONDS = 300.0


@dataclass(frozen=True)
class Limit:
    """``burst`` requests at once for ``key``, refilled at ``per_minute``."""

    key: str
    per_minute: float
    burst: int

    @property
    def interval(self) -> float:
        return 60.0 / self.per_minute if self.per_minute > 0 else 3600.0


class RateLimiter(Protocol):
    async def wait_for(self, limits: list[Limit]) -> float:
        """Spend one request of every limit: 0 if it may go ahead, else the seconds to wait."""
        ...


def spend(engine: Engine, limit: Limit, *, now: float) -> float:
    """Spend one request of ``limit``: 0 if it may go ahead, else the seconds to wait."""
    table = RateBudget.__table__  # type: ignore[attr-defined]
    interval = limit.interval
    allowance = limit.burst * interval
    start = case((table.c.tat > now, table.c.tat), else_=literal(now))
    fits = start + interval - now <= allowance
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(key=limit.key, tat=now + interval, allowed=True)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={
                "tat": case((fits, start + interval), else_=table.c.tat),
                "allowed": fits,
            },
        )
        .returning(table.c.tat, table.c.allowed)
    )
    with engine.begin() as connection:
        tat, allowed = connection.execute(statement).one()
    if allowed:
        return 0.0
    return max(0.001, float(tat) + interval - allowance - now)


def prune_idle(engine: Engine, *, now: float) -> int:
    """Forget budgets that are full again (their ``tat`` has passed): they hold nothing."""
    with engine.begin() as connection:
        result = connection.execute(delete(RateBudget).where(col(RateBudget.tat) < now - 60))
    return int(result.rowcount or 0)


class SharedRateLimiter:
    """Spends budgets in the database; answers how long to wait (0: go ahead)."""

    def __init__(self, engine: Callable[[], Engine]) -> None:
        self._engine = engine
        self._last_prune = 0.0

    async def wait_for(self, limits: list[Limit]) -> float:
        return await asyncio.to_thread(self.wait_for_now, limits)

    def wait_for_now(self, limits: list[Limit], now: float | None = None) -> float:
        now = time.time() if now is None else now
        engine = self._engine()
        try:
            self._prune_now_and_then(engine, now)
            return max(spend(engine, limit, now=now) for limit in limits)
        except SQLAlchemyError as exc:
            # The budget store is down: let requests through (they need the database to be
            # served anyway) and say so loudly.
            log.warning("rate_limit_store_unavailable", error=type(exc).__name__)
            return 0.0

    def _prune_now_and_then(self, engine: Engine, now: float) -> None:
        if now - self._last_prune < _PRUNE_EVERY_SECONDS:
            return
        self._last_prune = now
        pruned = prune_idle(engine, now=now)
        if pruned:
            log.info("rate_budgets_pruned", count=pruned)
