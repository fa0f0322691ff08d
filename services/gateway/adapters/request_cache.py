"""Fetch-once memo for one GraphQL request: concurrent resolvers share one downstream call."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class RequestCache:
    """Remembers the task of each keyed fetch, so it runs at most once per request."""

    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[Any]] = {}

    async def once(self, key: str, fetch: Callable[[], Awaitable[Any]]) -> Any:
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(fetch())
            self._tasks[key] = task
        return await asyncio.shield(task)
