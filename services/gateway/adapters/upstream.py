"""Calls to the services: one pooled httpx client each, identity and correlation id forwarded."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import structlog

from services.gateway.adapters.metrics import UPSTREAM_ERRORS, UPSTREAM_SECONDS, outcome_of
from services.gateway.errors import ErrorCode, GatewayError, code_for_status, known_code
from services.gateway.settings import GatewaySettings
from shared.http import CORRELATION_HEADER
from shared.identity import Identity, SignedIdentityAuth

log = structlog.get_logger()
SERVICE_NAMES = ("deliverables", "directory", "notifications")
_READABLE_NAMES = {
    "deliverables": "delivery-plan",
    "directory": "services directory",
    "notifications": "notifications",
}


def segment(value: str) -> str:
    """A caller-supplied value made safe as one URL path segment (no traversal, no injection)."""
    if not value or value in {".", ".."} or len(value) > 200:
        raise GatewayError(ErrorCode.NOT_FOUND, "There is nothing with that id.")
    return quote(value, safe="")


def make_clients(
    settings: GatewaySettings, transport: httpx.AsyncBaseTransport | None = None
) -> dict[str, httpx.AsyncClient]:
    """One long-lived, pooled client per service (created in the app lifespan)."""
    base_urls = {
        "deliverables": settings.deliverables_url,
        "directory": settings.directory_url,
        "notifications": settings.notifications_url,
    }
    limits = httpx.Limits(
        max_connections=settings.upstream_max_connections,
        max_keepalive_connections=settings.upstream_max_connections,
    )
    return {
        name: httpx.AsyncClient(
            base_url=url,
            timeout=settings.upstream_timeout_seconds,
            limits=limits,
            transport=transport,
        )
        for name, url in base_urls.items()
    }


@dataclass(frozen=True)
class Caller:
    """Who a request is made for, as forwarded to the services."""

    identity: Identity | None
    correlation_id: str
    identity_private_key: str
    identity_ttl_seconds: int

    def headers(self) -> dict[str, str]:
        return {CORRELATION_HEADER: self.correlation_id}

    def auth(self, service: str) -> httpx.Auth | None:
        """Signs the identity for the one request being sent to ``service`` (never reusable)."""
        if self.identity is None:
            return None
        return SignedIdentityAuth(
            self.identity,
            private_key=self.identity_private_key,
            audience=service,
            ttl_seconds=self.identity_ttl_seconds,
        )


class Upstream:
    """One service as seen by one GraphQL request."""

    def __init__(self, name: str, client: httpx.AsyncClient, caller: Caller) -> None:
        self.name = name
        self._client = client
        self._caller = caller

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        return await self._send("GET", path, params=clean)

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        return await self._send("POST", path, json=body)

    async def patch(self, path: str, body: dict[str, Any]) -> Any:
        return await self._send("PATCH", path, json=body)

    async def put(self, path: str, body: dict[str, Any]) -> Any:
        return await self._send("PUT", path, json=body)

    async def get_text(self, path: str, params: dict[str, Any] | None = None) -> str:
        """A document rather than JSON (e.g. an exported edition)."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        return (await self._request("GET", path, params=clean)).text

    async def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        return (await self._request(method, path, **kwargs)).json()

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await self._client.request(
                method,
                path,
                headers=self._caller.headers(),
                auth=self._caller.auth(self.name) or httpx.USE_CLIENT_DEFAULT,
                **kwargs,
            )
        except httpx.HTTPError as exc:
            UPSTREAM_ERRORS.labels(self.name, "unreachable").inc()
            UPSTREAM_SECONDS.labels(self.name, method, "unreachable").observe(
                time.perf_counter() - started
            )
            log.warning("upstream_unreachable", service=self.name, error=type(exc).__name__)
            raise self._unavailable() from exc
        outcome = outcome_of(response.status_code)
        UPSTREAM_SECONDS.labels(self.name, method, outcome).observe(time.perf_counter() - started)
        if outcome == "server_error":
            UPSTREAM_ERRORS.labels(self.name, "server_error").inc()
        if response.is_success:
            return response
        raise self._error_from(response)

    def _unavailable(self) -> GatewayError:
        readable = _READABLE_NAMES[self.name]
        return GatewayError(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            f"The {readable} service is not available right now; try again in a minute.",
        )

    def _error_from(self, response: httpx.Response) -> GatewayError:
        status = response.status_code
        if status >= 500:
            log.warning("upstream_failed", service=self.name, status=status)
            return self._unavailable()
        try:
            error = response.json()["error"]
            message = str(error["message"])
            field = _graphql_name(error.get("field"))
            return GatewayError(known_code(error.get("code"), status), message, field=field)
        except (ValueError, KeyError, TypeError):
            return GatewayError(code_for_status(status), "The request was refused.")


def _graphql_name(field: object) -> str | None:
    """A service's field name (``new_timescale``) as the schema spells it (``newTimescale``)."""
    if not field:
        return None
    head, *rest = str(field).split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class Upstreams:
    """The three services for one request."""

    def __init__(self, clients: dict[str, httpx.AsyncClient], caller: Caller) -> None:
        self.deliverables = Upstream("deliverables", clients["deliverables"], caller)
        self.directory = Upstream("directory", clients["directory"], caller)
        self.notifications = Upstream("notifications", clients["notifications"], caller)
