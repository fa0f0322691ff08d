"""The only way the pages reach data: GraphQL over HTTP to the gateway."""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any

import httpx
import structlog

log = structlog.get_logger()


class GatewayTimer:
    """Milliseconds one page request spent waiting for the gateway (for Server-Timing).

    A mutable holder, because the route runs in a copy of the middleware's context.
    """

    def __init__(self) -> None:
        self.milliseconds = 0.0


gateway_timer: ContextVar[GatewayTimer | None] = ContextVar("gateway_timer", default=None)


class GatewayError(Exception):
    """A GraphQL error the gateway returned, with its ``extensions.code`` and field if any."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class GatewayUnavailable(GatewayError):
    """The gateway could not be reached or answered with something that is not GraphQL."""

    def __init__(self, message: str) -> None:
        super().__init__("UPSTREAM_UNAVAILABLE", message)


def _first_error(errors: list[dict[str, Any]]) -> GatewayError:
    first = errors[0]
    extensions = first.get("extensions") or {}
    return GatewayError(
        code=str(extensions.get("code", "INTERNAL")),
        message=str(first.get("message", "The request failed.")),
        field=extensions.get("field"),
    )


class GatewayClient:
    """Posts GraphQL documents to the gateway, forwarding the signed-in user's bearer token."""

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self._http = http
        self._url = url

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        correlation_id: str | None = None,
        visitor_address: str | None = None,
    ) -> dict[str, Any]:
        """Return ``data``; raise ``GatewayError`` for the first GraphQL error.

        ``visitor_address`` goes out as ``X-Forwarded-For``: a gateway that lists this server in
        its trusted proxies gives each visitor their own rate budget.
        """
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if correlation_id:
            headers["X-Correlation-ID"] = correlation_id
        if visitor_address:
            headers["X-Forwarded-For"] = visitor_address
        started = time.perf_counter()
        try:
            response = await self._http.post(
                self._url, json={"query": query, "variables": variables or {}}, headers=headers
            )
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("gateway_unreachable", error=str(exc))
            raise GatewayUnavailable("The platform's data service is not answering.") from exc
        finally:
            if (timer := gateway_timer.get()) is not None:
                timer.milliseconds += (time.perf_counter() - started) * 1000
        if not isinstance(body, dict):
            raise GatewayUnavailable("The platform's data service gave an unexpected answer.")
        if body.get("errors"):
            raise _first_error(body["errors"])
        data = body.get("data")
        if not isinstance(data, dict):
            raise GatewayUnavailable("The platform's data service gave an unexpected answer.")
        return data
