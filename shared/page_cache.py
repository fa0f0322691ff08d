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

from sqlalchemy import text
from sqlmodel import Session

TTL_SECONDS = 30.0
MAX_ANSWERS = 1024
_VERSION = text("SELECT version FROM read_model_version WHERE id = 1")
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
        kept = self._answers.get(key)
        now = time.monotonic()
        if kept is not None and kept[0] == version and kept[1] > now:
            self._answers.move_to_end(key)
            return kept[2]
        body = compute()
        self._answers[key] = (version, now + self._ttl, body)
        self._answers.move_to_end(key)
        while len(self._answers) > self._max:
            self._answers.popitem(last=False)
        return body


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
