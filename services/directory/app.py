"""The directory's FastAPI app: routes, health, relay, review checks; database from ``wiring``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import structlog
from fastapi import FastAPI

from services.directory.adapters.open_data.delivery import OpenDataCors
from services.directory.entrypoints.http import keeping, open_api, open_lists, reference, services
from services.directory.entrypoints.http.cached_searches import CachedSearches
from services.directory.settings import DirectorySettings, get_settings
from services.directory.use_cases.review import request_due_reviews
from services.directory.wiring import open_engine, outbox_relay, prepare_database
from shared.health import database_check, engine_in_state, install_health
from shared.http import api_docs, install_http_basics
from shared.metrics import install_metrics, install_outbox_metrics
from shared.operator_api import outbox_operator_router
from shared.outbox_wiring import relay_running
from shared.page_cache import PageCache
from shared.settings import CommonSettings, get_common_settings
from shared.tracing import instrument_app
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()


async def _request_reviews_periodically(app: FastAPI, settings: DirectorySettings) -> None:
    """Once an interval, raise ServiceReviewDue for entries that went stale."""
    while True:
        try:
            await asyncio.to_thread(request_due_reviews, UnitOfWork(app.state.engine))
        except Exception as exc:
            log.warning("review_check_failed", error=str(exc))
        await asyncio.sleep(settings.review_check_interval_seconds)


def _lifespan(
    settings: DirectorySettings, common: CommonSettings
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start-up and shut-down: migrate, open the engine, run the relay and the review checks."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(prepare_database, settings)
        app.state.engine = open_engine(settings)
        app.state.relay = outbox_relay(app.state.engine, settings, common)
        tasks: list[asyncio.Task[None]] = []
        if settings.review_check_interval_seconds > 0:
            tasks.append(asyncio.create_task(_request_reviews_periodically(app, settings)))
        log.info("directory_ready", database=settings.database_url.split("@")[-1])
        try:
            async with relay_running(app.state.relay):
                yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            app.state.engine.dispose()

    return lifespan


def create_app(
    settings: DirectorySettings | None = None, common: CommonSettings | None = None
) -> FastAPI:
    settings = settings or get_settings()
    common = common or get_common_settings()
    app = FastAPI(
        title="CJP directory", version="1.0.0", lifespan=_lifespan(settings, common),
        **api_docs(common),
    )  # fmt: skip
    app.state.page_cache = PageCache()  # answers to repeated searches, per process
    # Added first, so innermost: logging, metrics and CORS still wrap a kept answer.
    app.add_middleware(
        CachedSearches, cache=app.state.page_cache, path="/services", uncacheable=services.NOT_KEPT
    )
    install_http_basics(app, identity_audience="directory")
    install_metrics(app, service="directory")
    instrument_app(app)  # traces, when OTEL_* turns them on
    app.include_router(outbox_operator_router(lambda request: request.app.state.engine))
    install_outbox_metrics(app, service="directory")
    install_health(app, {"database": database_check(engine_in_state)})
    for routes in (reference, services, keeping, open_api, open_lists):
        app.include_router(routes.router)
    app.add_middleware(OpenDataCors)
    return app
