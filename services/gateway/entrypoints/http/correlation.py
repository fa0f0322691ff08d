"""Every request gets a correlation id: the caller's if sane, else a new one; logged and echoed."""

from __future__ import annotations

import re
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-correlation-id"
# Anything else could forge log lines or blow up log storage, so it is replaced.
_SANE = re.compile(rb"^[A-Za-z0-9._:-]{1,100}$")


class CorrelationMiddleware:
    """Pure ASGI: puts the id in the request headers (for the context) and the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER, b"")
        correlation_id = given if _SANE.match(given) else str(uuid.uuid4()).encode()
        headers = [(k, v) for k, v in scope["headers"] if k != HEADER]
        scope = {**scope, "headers": [*headers, (HEADER, correlation_id)]}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (HEADER, correlation_id)],
                }
            await send(message)

        with structlog.contextvars.bound_contextvars(correlation_id=correlation_id.decode()):
            await self.app(scope, receive, send_with_id)
