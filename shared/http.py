"""FastAPI plumbing every service installs: correlation ids and one error shape."""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.db_errors import install_database_refusals
from shared.errors import DomainError, Unauthenticated
from shared.identity import IDENTITY_HEADER, Identity, verify_identity
from shared.identity_replay import SeenIdentities, SeenInDatabase
from shared.settings import CommonSettings, get_common_settings

CORRELATION_HEADER = "X-Correlation-ID"
log = structlog.get_logger()


def api_docs(common: CommonSettings) -> dict[str, Any]:
    """FastAPI's ``/docs``, ``/redoc`` and ``/openapi.json``: served in development only.

    Internal services describe their APIs to the team, not to the internet; production keeps
    its surface to the routes themselves. Pass as ``FastAPI(..., **api_docs(common))``.
    """
    if common.environment == "production":
        return {"docs_url": None, "redoc_url": None, "openapi_url": None}
    return {}


def error_body(code: str, message: str, field: str | None = None) -> dict[str, object]:
    """The JSON body of every error response: ``{"error": {"code", "message", "field"}}``."""
    return {"error": {"code": code, "message": message, "field": field}}


def install_http_basics(
    app: FastAPI,
    *,
    identity_audience: str | None = None,
    seen_identities: SeenIdentities | None = None,
) -> None:
    """Bind a correlation id to every request's logs and map errors to ``error_body``.

    ``identity_audience`` is the service's name in the forwarded identities meant for it (no
    name: the service accepts none). Each identity is accepted once; ``seen_identities``
    records them, by default in the service's own database (``app.state.engine``).
    """
    app.state.identity_audience = identity_audience
    app.state.seen_identities = seen_identities or SeenInDatabase(lambda: app.state.engine)
    app.add_middleware(CorrelationIds)
    app.add_exception_handler(DomainError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    install_database_refusals(app)
    app.add_exception_handler(Exception, _unexpected)


class CorrelationIds:
    """The caller's ``X-Correlation-ID`` (or a new one) on the request's state, logs and answer.

    Pure ASGI, so it costs next to nothing per request (no body streaming through a task).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == _HEADER), b"")
        correlation_id = given.decode("latin-1") or str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        echoed = (_HEADER, correlation_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != _HEADER]
                message = {**message, "headers": [*headers, echoed]}
            await send(message)

        with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
            await self.app(scope, receive, send_with_id)


_HEADER = CORRELATION_HEADER.lower().encode()


async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
    return JSONResponse(error_body(exc.code, exc.message, exc.field), status_code=exc.http_status)


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    location = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = f"{location}: {first.get('msg', 'invalid input')}" if location else "invalid input"
    return JSONResponse(error_body("BAD_USER_INPUT", message, location or None), status_code=422)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", error_type=type(exc).__name__)
    return JSONResponse(
        error_body("INTERNAL", "Something went wrong on our side; it has been logged."),
        status_code=500,
    )


def current_identity(request: Request) -> Identity | None:
    """The caller's identity as forwarded by the gateway, or None for an anonymous request.

    The token must be for this service, this method and this path, unexpired, and never seen
    before (a captured header cannot be replayed, not even against the same request).
    """
    token = request.headers.get(IDENTITY_HEADER)
    if not token:
        return None
    state = request.app.state
    audience = getattr(state, "identity_audience", None)
    if audience is None:
        raise Unauthenticated("This service accepts no forwarded identity.")
    forwarded = verify_identity(
        token,
        public_key=get_common_settings().identity_public_key,
        audience=audience,
        method=request.method,
        path=request.url.path,
    )
    if not state.seen_identities.first_sighting(forwarded.token_id, forwarded.expires_at):
        log.warning("forwarded_identity_replayed", actor=forwarded.identity.subject)
        raise Unauthenticated("This forwarded identity has been used already.")
    structlog.contextvars.bind_contextvars(actor=forwarded.identity.subject)
    return forwarded.identity


def require_identity(identity: Identity | None = Depends(current_identity)) -> Identity:
    """Use as a dependency where a signed-in caller is required."""
    if identity is None:
        raise Unauthenticated("Sign in to do this.")
    return identity
