"""HTTP protection in front of GraphQL: body size limit, per-client rate limit, security headers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.adapters.metrics import RATE_LIMIT_REFUSALS
from services.gateway.entrypoints.http.client_budgets import ClientBudgets
from shared.health import HEALTH_PATHS

# Probes and scrapes come from the cluster and must never be refused for spending a budget.
UNMETERED_PATHS = HEALTH_PATHS | {"/metrics"}

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
# JSON answers never run scripts; the GraphiQL page (HTML) loads its own from a CDN.
JSON_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


@dataclass(frozen=True)
class LargeBodyAllowance:
    """A larger body limit for the callers ``allows`` trusts (checked only when needed)."""

    max_bytes: int
    allows: Callable[[Scope], Awaitable[bool]]


def error_response(code: str, message: str) -> bytes:
    return json.dumps(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    ).encode()


class ProtectionMiddleware:
    """Pure ASGI, so it also covers websockets (rate limit) without buffering bodies."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        budgets: ClientBudgets,
        large_body: LargeBodyAllowance | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.budgets = budgets
        self.large_body = large_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get("path") in UNMETERED_PATHS:
            await self.app(scope, receive, send)
            return
        # Everything downstream (logs, sign-in throttling) sees the real client, not the proxy.
        address = self.budgets.address(scope)
        scope["client"] = (address, 0)  # in place: outer middleware reads what inner ones set
        wait = await self.budgets.take(scope, address)
        if wait:
            await self._refuse_rate(scope, send, wait)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        limit = await self._body_limit(scope)
        if limit is None:
            await self._refuse_size(send)
            return
        body = await read_body(receive, limit)
        if body is None:
            await self._refuse_size(send)
            return
        await self.app(scope, replay_body(body, receive), _with_security_headers(send))

    async def _body_limit(self, scope: Scope) -> int | None:
        """The bytes this request may send, or None if its declared length is already too big.

        Past the usual limit only a declared length from a caller the allowance trusts (a
        coordinator importing an edition) may go up to the allowance's larger limit.
        """
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is None or not declared.isdigit() or int(declared) <= self.max_body_bytes:
            return self.max_body_bytes
        allowance = self.large_body
        if allowance is None or int(declared) > allowance.max_bytes:
            return None
        return allowance.max_bytes if await allowance.allows(scope) else None

    async def _refuse_size(self, send: Send) -> None:
        message = f"The request is larger than {self.max_body_bytes} bytes; send a smaller query."
        await _reply(send, 413, error_response("BAD_USER_INPUT", message))

    async def _refuse_rate(self, scope: Scope, send: Send, wait: float) -> None:
        RATE_LIMIT_REFUSALS.labels(scope["type"]).inc()
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4429, "reason": "rate limited"})
            return
        message = f"Too many requests; wait {int(wait) + 1} s and try again."
        await _reply(
            send, 429, error_response("RATE_LIMITED", message), {"retry-after": str(int(wait) + 1)}
        )


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body (small by design), or None once it passes ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay_body(body: bytes, receive: Receive) -> Receive:
    """Hand the buffered body to the app once, then pass through (e.g. disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _with_security_headers(send: Send) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
            content_type = dict(headers).get(b"content-type", b"")
            headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
            if not content_type.startswith(b"text/html"):
                headers.append((b"content-security-policy", JSON_CONTENT_SECURITY_POLICY.encode()))
            message = {**message, "headers": headers}
        await send(message)

    return send_with_headers


_OURS = {k.encode() for k in SECURITY_HEADERS} | {b"content-security-policy"}


async def _reply(send: Send, status: int, body: bytes, extra: dict[str, str] | None = None) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
