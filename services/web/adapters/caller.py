"""One page request's way to the gateway: the client and the signed-in user's token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request

from services.web.adapters.gateway import GatewayClient
from services.web.entrypoints.http.session import session_of


@dataclass
class Caller:
    client: GatewayClient
    token: str | None
    correlation_id: str | None
    visitor_address: str | None = None

    async def run(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.client.execute(
            query,
            variables,
            token=self.token,
            correlation_id=self.correlation_id,
            visitor_address=self.visitor_address,
        )


def caller_of(request: Request) -> Caller:
    """FastAPI dependency: a caller acting as whoever is signed in (or anonymously)."""
    return Caller(
        client=request.app.state.gateway,
        token=session_of(request).token,
        correlation_id=request.headers.get("X-Correlation-ID"),
        visitor_address=request.client.host if request.client else None,
    )
