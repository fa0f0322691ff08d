"""Sign-in throttling per account and per address, with an exponential delay after failures.

Each failed sign-in adds one to a row for the account (by a hash of the email, so unknown
emails are throttled too) and one for the address. Past a few free failures, the key is blocked
for ``base * 2 ** (extra failures)`` seconds, up to a maximum; a sign-in to a blocked key is
refused without checking the password. A success clears the account's row (the address keeps its
count, so one good account cannot launder an address's guesses). Rows live in the gateway
database, so every replica sees the same count.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from sqlalchemy import Engine, case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from services.gateway.adapters.tables import SignInThrottle


@dataclass(frozen=True)
class ThrottlePolicy:
    account_free_failures: int = 3
    address_free_failures: int = 10  # many people may share one address (NAT, a proxy)
    base_delay_seconds: float = 1.0
    max_delay_seconds: float = 900.0

    def delay(self, failures: int, *, free: int) -> float:
        extra = failures - free
        if extra <= 0:
            return 0.0
        return min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (extra - 1))


def account_key(email: str) -> str:
    return "account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


def address_key(address: str) -> str:
    return "address:" + address


def seconds_blocked(engine: Engine, keys: list[str], *, now: float | None = None) -> float:
    """How long the longest block on any of ``keys`` still lasts (0: not blocked)."""
    now = time.time() if now is None else now
    with engine.connect() as connection:
        table = SignInThrottle.__table__  # type: ignore[attr-defined]
        until = connection.execute(
            select(table.c.blocked_until).where(table.c.key.in_(keys))
        ).scalars()
        return max([float(u) - now for u in until] + [0.0])


@dataclass(frozen=True)
class Failure:
    failures: int
    delay_seconds: float


def record_failure(
    engine: Engine, key: str, *, free: int, policy: ThrottlePolicy, now: float | None = None
) -> Failure:
    """Count one failure for ``key`` and block it for the delay its count calls for."""
    now = time.time() if now is None else now
    table = SignInThrottle.__table__  # type: ignore[attr-defined]
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    counted = (
        dialect.insert(table)
        .values(key=key, failures=1, blocked_until=now)
        .on_conflict_do_update(index_elements=["key"], set_={"failures": table.c.failures + 1})
        .returning(table.c.failures)
    )
    with engine.begin() as connection:
        failures = int(connection.execute(counted).scalar_one())
        delay = policy.delay(failures, free=free)
        until = now + delay
        connection.execute(
            update(table)
            .where(table.c.key == key)
            .values(
                blocked_until=case(
                    (table.c.blocked_until > until, table.c.blocked_until), else_=literal(until)
                )
            )
        )
    return Failure(failures=failures, delay_seconds=delay)


def record_success(engine: Engine, key: str) -> None:
    with engine.begin() as connection:
        table = SignInThrottle.__table__  # type: ignore[attr-defined]
        connection.execute(delete(table).where(table.c.key == key))
