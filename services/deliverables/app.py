"""The FastAPI app: routes, health, metrics and the outbox relay; its database from ``wiring``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.deliverables.entrypoints.http import deliverables, history, plan_io, reference, rounds
from services.deliverables.events import TOPICS
from services.deliverables.settings import DeliverablesSettings
from services.deliverables.wiring import prepare_database
from shared.health import database_check, engine_in_state, install_health
from shared.http import api_docs, install_http_basics
from shared.metrics import install_metrics, install_outbox_metrics
from shared.operator_api import outbox_operator_router
from shared.outbox import OutboxRelay
from shared.settings import CommonSettings, get_common_settings
from shared.tracing import instrument_app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    relay: OutboxRelay | None = app.state.relay
    task = asyncio.create_task(relay.run()) if relay else None
    try:
        yield
    finally:
        if relay and task:
            await relay.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=10)
        app.state.engine.dispose()


def create_app(settings: DeliverablesSettings, common: CommonSettings | None = None) -> FastAPI:
    """The deliverables service, ready to serve: migrated, seeded if asked, relay attached."""
    common = common or get_common_settings()
    engine = prepare_database(settings)
    relay = (
        OutboxRelay(engine=engine, settings=common, topics=TOPICS, lock_key=settings.relay_lock_key)
        if settings.relay_enabled
        else None
    )
    app = FastAPI(title="CJP deliverables", lifespan=_lifespan, **api_docs(common))
    app.state.engine = engine
    app.state.relay = relay
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
