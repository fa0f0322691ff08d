"""Answers to repeated searches, kept per process while the read model's version stays the same.

Every rebuild of the read model raises ``read_model_version`` in the same transaction as the write
(``adapters.read_model.store_views``), so a request reads the version first (one primary-key lookup)
and
reuses a kept answer only if it was computed at that same version: a write in any process or
replica makes every process compute afresh. Answers also expire after ``TTL_SECONDS``, because
freshness and the stale-last ordering depend on the clock. Searches that depend on the time of day
(``open_now``) or on the postcode table (``near_postcode``, loaded outside the read model) are never
kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import text
from sqlmodel import Session

TTL_SECONDS = 30.0
MAX_ANSWERS = 1024
_VERSION = text("SELECT version FROM read_model_version WHERE id = 1")
_UNCACHEABLE = ("open_now", "near_postcode")


class PageCache:
    """Bounded, least-recently-used answers keyed by the request's query string."""

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


def cache_key(params: list[tuple[str, str]]) -> str | None:
    """The query parameters in a stable order, or None when the answer must not be kept."""
    if any(name in _UNCACHEABLE and value not in ("", "false", "0") for name, value in params):
        return None
    return "&".join(f"{name}={value}" for name, value in sorted(params))
