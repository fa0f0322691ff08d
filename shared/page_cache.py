"""Answers to repeated reads, kept per process while a service's read model version stays the same.

A service that keeps a read model also keeps one number, ``read_model_version`` (one row, created
by its migration through ``shared.read_model_migration``). Every rebuild of the read model calls
``raise_version`` in the same transaction as the write, so a read asks for the version first (one
primary-key lookup) and reuses a kept answer only if it was computed at that same version: a write
in any process or replica makes every process compute afresh. Answers also expire after
``TTL_SECONDS``, for answers that depend on the clock (freshness, overdue).

The key must name everything the answer depends on. An answer that differs per caller (what a
caller may see) must carry the caller in its key, or not be kept at all (``cache_key`` returns
None for requests the service names as not to be kept).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Collection

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

TTL_SECONDS = 30.0
MAX_ANSWERS = 1024
VERSION_SQL = "SELECT version FROM read_model_version WHERE id = 1"
_VERSION = text(VERSION_SQL)
_RAISE_VERSION = text("UPDATE read_model_version SET version = version + 1 WHERE id = 1")


def raise_version(session: Session) -> None:
    """Answers kept by every process are out of date once this transaction commits."""
    session.execute(_RAISE_VERSION)


class PageCache:
    """Bounded, least-recently-used answers keyed by the request (see ``cache_key``)."""

    def __init__(self, max_answers: int = MAX_ANSWERS, ttl: float = TTL_SECONDS) -> None:
        self._answers: OrderedDict[str, tuple[int, float, bytes]] = OrderedDict()
        self._max = max_answers
        self._ttl = ttl

    def answer(self, session: Session, key: str | None, compute: Callable[[], bytes]) -> bytes:
        """The kept answer for ``key`` at the current version, else ``compute()`` (then kept)."""
        if key is None:
            return compute()
        version = int(session.execute(_VERSION).scalar_one())
        body = self.kept(key, version)
        if body is None:
            body = compute()
            self.keep(key, version, body)
        return body

    def kept(self, key: str, version: int) -> bytes | None:
        """The answer kept for ``key`` if it was computed at ``version`` and has not expired."""
        kept = self._answers.get(key)
        if kept is None or kept[0] != version or kept[1] <= time.monotonic():
            return None
        self._answers.move_to_end(key)
        return kept[2]

    def keep(self, key: str, version: int, body: bytes) -> None:
        self._answers[key] = (version, time.monotonic() + self._ttl, body)
        self._answers.move_to_end(key)
        while len(self._answers) > self._max:
            self._answers.popitem(last=False)


def read_version(engine: Engine) -> int:
    """The version on a pooled DBAPI connection: no ORM session, nothing compiled (hot path)."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(VERSION_SQL)
        row = cursor.fetchone()
        cursor.close()
        connection.rollback()  # end the read's transaction before the connection goes back
    finally:
        connection.close()
    return int(row[0]) if row else 0


def cache_key(
    params: list[tuple[str, str]], *, uncacheable: Collection[str] = (), prefix: str = ""
) -> str | None:
    """``prefix`` and the query parameters in a stable order; None when it must not be kept.

    A request whose ``uncacheable`` parameters are set (not empty, ``false`` or ``0``) is never
    kept: its answer depends on something outside the read model (the time of day, say).
    """
    if any(name in uncacheable and value not in ("", "false", "0") for name, value in params):
        return None
    return prefix + "&".join(f"{name}={value}" for name, value in sorted(params))
