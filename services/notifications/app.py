"""The FastAPI application; its lifespan runs the consumer and the sender in the same process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.notifications.adapters.metrics import DeliveryCollector, refresh_consumer_lag
from services.notifications.entrypoints.http import api, operator_api, pages
from services.notifications.entrypoints.http.readiness import (
    consumer_in_group,
    notifications_engine,
)
from services.notifications.entrypoints.running import running
from services.notifications.settings import NotificationsSettings, get_settings
from services.notifications.wiring import Wiring, build_wiring
from shared.health import database_check, install_health
from shared.http import api_docs, install_http_basics
from shared.identity_replay import SeenInDatabase
from shared.metrics import add_refresher, add_registry, install_metrics, install_outbox_metrics
from shared.settings import CommonSettings, get_common_settings
from shared.tracing import instrument_app


def create_app(
    settings: NotificationsSettings | None = None, common: CommonSettings | None = None
) -> FastAPI:
    settings = settings or get_settings()
    common = common or get_common_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        wiring = build_wiring(settings, common)
        app.state.wiring = wiring
        app.state.engine = wiring.engine  # for the shared outbox metrics
        _report_metrics(app, wiring)
        async with running(wiring):
            yield

    app = FastAPI(title="CJP notifications", lifespan=lifespan, **api_docs(common))
    install_http_basics(
        app,
        identity_audience="notifications",
        seen_identities=SeenInDatabase(lambda: app.state.wiring.engine),
    )
    install_metrics(app, service="notifications")
    install_outbox_metrics(app, service="notifications")
    instrument_app(app)  # traces, when OTEL_* turns them on
    install_health(
        app,
        {"database": database_check(notifications_engine), "consumer": consumer_in_group},
    )
    app.include_router(api.router)
    app.include_router(operator_api.router)
    app.include_router(operator_api.callbacks)
    app.include_router(pages.router)
    return app


def _report_metrics(app: FastAPI, wiring: Wiring) -> None:
    app.state.metrics_registry.register(DeliveryCollector(wiring.engine))
    add_registry(app, wiring.consumer.metrics_registry)
    group = wiring.settings.consumer_group
    add_refresher(app, lambda: refresh_consumer_lag(wiring.consumer, group))
