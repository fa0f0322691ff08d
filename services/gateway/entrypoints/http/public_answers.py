"""Repeated anonymous GraphQL queries answered from ``PublicCache`` without running them again.

Only a JSON POST to /graphql without an ``Authorization`` header is looked up: the gateway takes
identity from that header alone (graphql/context.py), so every such request is answered the same
whoever sends it. Only a 200 JSON answer without errors, to a query (never a mutation), is kept.
Answers to signed-in callers are never kept nor served from the cache. Any request through this
process that is not a query (a mutation, or one that cannot be read) ends every kept answer once
it has been answered; changes made elsewhere end them through the services' events. Identical
anonymous requests that arrive while one is being answered wait for it and share its answer.
Runs inside ``ProtectionMiddleware``: rate budgets, body limits and security headers still apply
to every request, cached or not.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from functools import lru_cache

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.adapters.public_cache import CachedAnswer, Headers, PublicCache
from services.gateway.entrypoints.http.protection import read_body, replay_body

GRAPHQL_PATH = "/graphql"


class PublicAnswersMiddleware:
    def __init__(self, app: ASGIApp, *, cache: Callable[[], PublicCache | None]) -> None:
        self.app = app
        self.cache = cache
        self.pending: dict[bytes, asyncio.Future[None]] = {}  # anonymous misses being answered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cache = self.cache() if _graphql_json_post(scope) else None
        if cache is None:
            await self.app(scope, receive, send)
            return
        body = await read_body(receive, limit=1 << 62) or b""  # protection has bounded it
        anonymous = b"authorization" not in dict(scope["headers"])
        if anonymous and body in self.pending:  # the same question is being answered: wait
            await asyncio.shield(self.pending[body])
        answer = cache.get(body) if anonymous else None
        if answer is not None:
            await _send_answer(send, answer)
            return
        generation = cache.generation
        recorder = _Recorder(send)
        mine = asyncio.get_running_loop().create_future()
        if anonymous:
            self.pending.setdefault(body, mine)
        try:
            await self.app(scope, replay_body(body, receive), recorder.send)
            if not is_query(body):
                cache.clear()  # a change made through this process ends its answers at once
            elif anonymous and recorder.keepable():
                cache.put(body, recorder.headers, b"".join(recorder.chunks), generation=generation)
        finally:  # kept (or not) before the requests waiting for it look
            if self.pending.get(body) is mine:
                del self.pending[body]
            mine.set_result(None)


def _graphql_json_post(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != GRAPHQL_PATH:
        return False
    return dict(scope["headers"]).get(b"content-type", b"").startswith(b"application/json")


def is_query(body: bytes) -> bool:
    """Whether the operation this request runs is a query (not a mutation or subscription)."""
    try:
        request = json.loads(body)
        return _operation_type(request["query"], request.get("operationName")) == "query"
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


@lru_cache(maxsize=256)
def _operation_type(query: str, operation_name: str | None) -> str | None:
    try:
        document = parse(query)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    if len(chosen) != 1:
        return None
    return "query" if chosen[0].operation == OperationType.QUERY else None


class _Recorder:
    """Passes the answer on while keeping a copy of it."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status = 0
        self.headers: Headers = []
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
        await self._send(message)

    def keepable(self) -> bool:
        content_type = dict(self.headers).get(b"content-type", b"")
        body = b"".join(self.chunks)
        return (
            self.status == 200
            and content_type.startswith(b"application/json")
            and b'"errors"' not in body
        )


async def _send_answer(send: Send, answer: CachedAnswer) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": answer.headers})
    await send({"type": "http.response.body", "body": answer.body})
