"""The per-request GraphQL context: who is asking, the services bound to them, the loaders."""

from __future__ import annotations

import uuid
from functools import cached_property

import strawberry
from starlette.requests import HTTPConnection
from strawberry.fastapi import BaseContext

from services.gateway.adapters.loaders import Loaders
from services.gateway.adapters.upstream import Caller, Upstreams
from services.gateway.errors import GatewayError, unauthenticated
from services.gateway.wiring import GatewayRuntime
from shared.errors import Unauthenticated
from shared.http import CORRELATION_HEADER
from shared.identity import Identity, Role


class GatewayContext(BaseContext):
    """Built for every request; resolvers reach the services only through it."""

    def __init__(
        self,
        runtime: GatewayRuntime,
        *,
        identity: Identity | None,
        auth_error: GatewayError | None,
        correlation_id: str,
        client_address: str = "unknown",
    ) -> None:
        super().__init__()
        self.client_address = client_address
        self.runtime = runtime
        self.settings = runtime.settings
        self._identity = identity
        self._auth_error = auth_error
        self.correlation_id = correlation_id

    @property
    def identity(self) -> Identity | None:
        """The signed-in caller, or None; a bad bearer token fails every use of it."""
        if self._auth_error is not None:
            raise self._auth_error
        return self._identity

    @property
    def signed_in(self) -> bool:
        """A valid bearer token came with the request (it buys a larger query budget)."""
        return self._identity is not None

    def require_identity(self) -> Identity:
        identity = self.identity
        if identity is None:
            raise unauthenticated()
        return identity

    @property
    def role(self) -> Role:
        identity = self.identity
        return identity.role if identity else Role.PUBLIC

    @cached_property
    def upstreams(self) -> Upstreams:
        caller = Caller(
            identity=self.identity,
            correlation_id=self.correlation_id,
            identity_private_key=self.runtime.settings.identity_private_key,
            identity_ttl_seconds=self.runtime.settings.identity_ttl_seconds,
        )
        return Upstreams(self.runtime.clients, caller)

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.upstreams)


Info = strawberry.Info[GatewayContext, None]


async def get_context(connection: HTTPConnection) -> GatewayContext:
    """FastAPI dependency: verify the bearer token (if any) and build the context."""
    runtime: GatewayRuntime = connection.app.state.runtime
    correlation_id = connection.headers.get(CORRELATION_HEADER) or str(uuid.uuid4())
    identity, auth_error = await _identify(runtime, connection.headers.get("authorization"))
    return GatewayContext(
        runtime,
        identity=identity,
        auth_error=auth_error,
        correlation_id=correlation_id,
        client_address=connection.client.host if connection.client else "unknown",
    )


async def _identify(
    runtime: GatewayRuntime, authorization: str | None
) -> tuple[Identity | None, GatewayError | None]:
    if not authorization:
        return None, None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, unauthenticated("Send the token as `Authorization: Bearer <token>`.")
    try:
        return await runtime.verifier.verify(token.strip()), None
    except Unauthenticated as exc:
        return None, unauthenticated(exc.message)
