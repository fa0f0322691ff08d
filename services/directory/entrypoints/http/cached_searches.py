"""Serve a repeated search from the page cache before any routing, validation or session.

A pure ASGI layer inside the service's other middleware (logging, metrics and CORS still see every
request): for ``GET /services`` it reads the read model's version (one primary-key lookup on a
pooled connection) and, when this process kept an answer for the same query string at that
version, sends the kept bytes. Anything else, a miss included, goes on to the route, which
computes the answer and keeps it; only answers the route computed (validated, status 200) are kept.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from shared.page_cache import PageCache, cache_key, read_version

_JSON = (b"content-type", b"application/json")


class CachedSearches:
    def __init__(
        self, app: ASGIApp, cache: PageCache, path: str, uncacheable: Collection[str]
    ) -> None:
        self.app = app
        self.cache = cache
        self.path = path
        self.uncacheable = uncacheable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and scope["method"] == "GET":
            body = self._kept(scope)
            if body is not None:
                length = (b"content-length", str(len(body)).encode())
                await send(
                    {"type": "http.response.start", "status": 200, "headers": [_JSON, length]}
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def _kept(self, scope: Scope) -> bytes | None:
        params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        key = cache_key(params, uncacheable=self.uncacheable)
        engine = getattr(scope["app"].state, "engine", None)
        if key is None or engine is None:
            return None
        return self.cache.kept(key, read_version(engine))
