"""The SMTP send rate, shared by every replica: a token bucket kept in the service's database.

A sender takes tokens from the bucket a few at a time (as many as it has emails waiting, at most
one second's worth), so N replicas together never send faster than the one configured rate.
The limit delays mail, never skips it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.notifications.adapters.tables import SendBudget, utc_now
from shared.db import transaction

BUDGET_NAME = "smtp"


def take_tokens(
    engine: Engine, *, wanted: int, per_second: float, capacity: float, now: datetime | None = None
) -> tuple[int, float]:
    """Take up to ``wanted`` whole tokens; returns (taken, seconds until the next one if none)."""
    _ensure_budget(engine, capacity)
    with transaction(engine) as session:
        budget = session.exec(
            select(SendBudget).where(SendBudget.name == BUDGET_NAME).with_for_update()
        ).one()
        now = now or utc_now()
        elapsed = max(0.0, (now - budget.refilled_at).total_seconds())  # clocks may differ a bit
        tokens = min(capacity, budget.tokens + elapsed * per_second)
        taken = max(0, min(wanted, int(tokens)))
        budget.tokens = tokens - taken
        budget.refilled_at = max(now, budget.refilled_at)
        session.add(budget)
        return taken, 0.0 if taken else (1 - tokens) / per_second


def _ensure_budget(engine: Engine, capacity: float) -> None:
    try:
        with transaction(engine) as session:
            if session.get(SendBudget, BUDGET_NAME) is None:
                session.add(SendBudget(name=BUDGET_NAME, tokens=capacity, refilled_at=utc_now()))
    except IntegrityError:
        pass  # another replica created it first


class SharedRateLimiter:
    """``per_minute`` sends a minute across all replicas; a burst of at most one second's worth."""

    def __init__(self, engine: Engine, per_minute: int) -> None:
        self._engine = engine
        self._per_second = per_minute / 60.0
        self._capacity = max(1.0, self._per_second)
        self._held = 0  # tokens taken from the shared bucket and not yet spent
        self._lock = asyncio.Lock()

    async def acquire(self, waiting: int = 1) -> None:
        """Wait for one send; ``waiting`` (emails queued behind it) sizes the next take."""
        if self._per_second <= 0:
            return
        async with self._lock:
            while self._held == 0:
                taken, wait = await asyncio.to_thread(
                    take_tokens,
                    self._engine,
                    wanted=min(max(1, waiting), int(self._capacity)),
                    per_second=self._per_second,
                    capacity=self._capacity,
                )
                self._held += taken
                if not taken:
                    await asyncio.sleep(wait)
            self._held -= 1
