"""The FastAPI app: routes, health, metrics and the outbox relay; its database from ``wiring``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.deliverables.entrypoints.http import deliverables, history, plan_io, reference, rounds
from services.deliverables.settings import DeliverablesSettings
from services.deliverables.wiring import outbox_relay, prepare_database
from shared.health import database_check, engine_in_state, install_health
from shared.http import api_docs, install_http_basics
from shared.metrics import install_metrics, install_outbox_metrics
from shared.operator_api import outbox_operator_router
from shared.outbox_wiring import relay_running
from shared.page_cache import PageCache
from shared.settings import CommonSettings, get_common_settings
from shared.tracing import instrument_app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    try:
        async with relay_running(app.state.relay):
            yield
    finally:
        app.state.engine.dispose()


def create_app(settings: DeliverablesSettings, common: CommonSettings | None = None) -> FastAPI:
    """The deliverables service, ready to serve: migrated, seeded if asked, relay attached."""
    common = common or get_common_settings()
    engine = prepare_database(settings)
    app = FastAPI(title="CJP deliverables", lifespan=_lifespan, **api_docs(common))
    app.state.engine = engine
    app.state.page_cache = PageCache()  # answers to repeated reads, per process
    app.state.relay = outbox_relay(engine, settings, common)
    install_http_basics(app, identity_audience="deliverables")
    install_metrics(app, service="deliverables")
    instrument_app(app)  # traces, when OTEL_* turns them on
    app.include_router(outbox_operator_router(lambda request: request.app.state.engine))
    install_outbox_metrics(app, service="deliverables")
    install_health(app, {"database": database_check(engine_in_state)})
    app.include_router(reference.router)
    app.include_router(history.router)
    app.include_router(deliverables.router)
    app.include_router(rounds.router)
    app.include_router(plan_io.router)
    return app
