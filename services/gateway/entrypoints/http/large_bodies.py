"""Who may send a request body past the usual limit: a coordinator with a valid token."""

from __future__ import annotations

from starlette.types import Scope

from shared.errors import Unauthenticated
from shared.identity import Role


async def coordinator_is_sending(scope: Scope) -> bool:
    """True when the request's bearer token verifies and names a coordinator."""
    runtime = getattr(scope["app"].state, "runtime", None)
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, token = header.partition(" ")
    if runtime is None or scheme.lower() != "bearer" or not token.strip():
        return False
    try:
        identity = await runtime.verifier.verify(token.strip())
    except Unauthenticated:
        return False
    return identity.role is Role.COORDINATOR
