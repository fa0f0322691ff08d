"""Answers to anonymous GraphQL queries, shared by every anonymous caller of one process.

An answer is kept until the services announce a change (any event they publish ends every
answer: ``clear``) and never longer than ``ttl_seconds``, which bounds staleness when no event
comes (the consumer is down, or a change publishes none). ``generation`` closes the race where an
answer computed before a change would be stored after it: ``put`` keeps an answer only if nothing
was cleared since its request began. The number of answers is bounded; the oldest go first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class CachedAnswer:
    headers: Headers
    body: bytes
    expires_at: float


class PublicCache:
    def __init__(
        self,
        *,
        ttl_seconds: float,
        max_entries: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._answers: OrderedDict[bytes, CachedAnswer] = OrderedDict()
        self.generation = 0  # moves on with every clear

    def get(self, key: bytes) -> CachedAnswer | None:
        answer = self._answers.get(key)
        if answer is not None and answer.expires_at <= self._clock():
            del self._answers[key]
            return None
        return answer

    def put(self, key: bytes, headers: Headers, body: bytes, *, generation: int) -> None:
        """Keep an answer computed from data read after ``generation`` began."""
        if generation != self.generation:
            return
        self._answers[key] = CachedAnswer(headers, body, self._clock() + self._ttl)
        self._answers.move_to_end(key)
        while len(self._answers) > self._max_entries:
            self._answers.popitem(last=False)

    def clear(self) -> None:
        self.generation += 1
        self._answers.clear()

    def __len__(self) -> int:
        return len(self._answers)
