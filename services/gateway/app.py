"""The gateway's FastAPI app: GraphQL at /graphql, wired once in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import httpx
import structlog
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from services.gateway.adapters.rate_batches import BatchedRateLimiter
from services.gateway.entrypoints.graphql.context import get_context
from services.gateway.entrypoints.graphql.schema import build_schema
from services.gateway.entrypoints.http.client_budgets import ClientBudgets, TrustedProxies
from services.gateway.entrypoints.http.correlation import CorrelationMiddleware
from services.gateway.entrypoints.http.large_bodies import coordinator_is_sending
from services.gateway.entrypoints.http.protection import LargeBodyAllowance, ProtectionMiddleware
from services.gateway.entrypoints.http.public_answers import PublicAnswersMiddleware
from services.gateway.settings import GatewaySettings
from services.gateway.wiring import GatewayRuntime, start_live_feed, start_runtime
from shared.health import database_check, install_health
from shared.metrics import install_metrics
from shared.settings import CommonSettings, get_common_settings
from shared.tracing import instrument_app

log = structlog.get_logger()


def create_app(
    settings: GatewaySettings,
    common: CommonSettings | None = None,
    *,
    upstream_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the gateway; ``upstream_transport`` lets unit tests count downstream calls."""
    common = common or get_common_settings()
    limiter = BatchedRateLimiter(
        lambda: app.state.runtime.engine,
        sync_seconds=settings.rate_limit_sync_seconds,
        sync_requests=settings.rate_limit_sync_requests,
    )
    app = FastAPI(
        title="CJP GraphQL gateway",
        lifespan=_lifespan(settings, common, upstream_transport, limiter),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.include_router(_graphql_router(settings), prefix="/graphql")
    install_health(app, {"database": database_check(_runtime_engine)})
    _install_cors(app, settings)
    # Inside protection: cached answers are still metered, size-checked and given its headers.
    app.add_middleware(PublicAnswersMiddleware, cache=lambda: app.state.runtime.public_cache)
    _install_protection(app, settings, limiter)
    install_metrics(app, service="gateway")  # outside protection: refusals are counted too
    instrument_app(app)  # traces, when OTEL_* turns them on
    app.add_middleware(CorrelationMiddleware)  # outermost: even refusals carry an id
    return app


def _lifespan(
    settings: GatewaySettings,
    common: CommonSettings,
    upstream_transport: httpx.AsyncBaseTransport | None,
    limiter: BatchedRateLimiter,
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await start_runtime(settings, common, upstream_transport)
        app.state.runtime = runtime
        feed_task = start_live_feed(runtime)
        log.info("gateway_ready", host=settings.host, port=settings.port)
        try:
            yield
        finally:
            if feed_task is not None:
                feed_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await feed_task
            with contextlib.suppress(TimeoutError):  # bounded: a pod must exit in its grace
                await asyncio.wait_for(limiter.aclose(), 5.0)  # spent budgets reach the store
            await asyncio.gather(*(client.aclose() for client in runtime.clients.values()))
            runtime.engine.dispose()

    return lifespan


def _install_cors(app: FastAPI, settings: GatewaySettings) -> None:
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["authorization", "content-type", "x-correlation-id"],
            max_age=600,
        )


def _install_protection(
    app: FastAPI, settings: GatewaySettings, limiter: BatchedRateLimiter
) -> None:
    budgets = ClientBudgets(
        limiter,
        per_minute=settings.rate_limit_per_minute,
        burst=settings.rate_limit_burst,
        proxies=TrustedProxies.parse(settings.trusted_proxies),
    )
    large_body = LargeBodyAllowance(
        max_bytes=settings.max_coordinator_body_bytes, allows=coordinator_is_sending
    )
    app.add_middleware(
        ProtectionMiddleware,
        max_body_bytes=settings.max_body_bytes,
        budgets=budgets,
        large_body=large_body,
    )


def _runtime_engine(app: FastAPI) -> Engine | None:
    runtime: GatewayRuntime | None = getattr(app.state, "runtime", None)
    return runtime.engine if runtime is not None else None


def _graphql_router(settings: GatewaySettings) -> GraphQLRouter[object, None]:
    return GraphQLRouter(
        build_schema(settings),
        context_getter=get_context,
        graphql_ide="graphiql" if settings.introspection_allowed else None,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        allow_queries_via_get=False,
    )
