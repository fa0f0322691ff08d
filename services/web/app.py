"""The web front end's app: sessions, static files, pages; its gateway client from ``wiring``."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from services.web.adapters.gateway import GatewayTimer, gateway_timer
from services.web.entrypoints.http import (
    account,
    alerts,
    coordinator_imports,
    find_services,
    manage_services,
    my_deliverables,
    plan,
    rounds,
    service_page,
)
from services.web.entrypoints.http.forms import install_csrf_page
from services.web.entrypoints.http.pages import install_error_pages
from services.web.entrypoints.http.session import SessionCookie, install_sessions
from services.web.settings import WebSettings, get_settings
from services.web.wiring import gateway_client
from shared.health import install_health
from shared.metrics import install_metrics
from shared.tracing import instrument_app

log = structlog.get_logger()
STATIC_DIR = Path(__file__).parent / "static"


def _mount_static(app: FastAPI, settings: WebSettings) -> None:
    app.mount("/static/web", StaticFiles(directory=STATIC_DIR), name="static-web")
    design_system = settings.design_system_dir
    app.state.design_system_available = design_system.is_dir()
    if design_system.is_dir():
        app.mount("/static/sgds", StaticFiles(directory=design_system), name="static-sgds")
    else:
        log.warning(
            "design_system_missing",
            expected=str(design_system),
            fix="npm ci --prefix services/web/static-src",
            effect="pages are served with plain styling",
        )


def _install_server_timing(app: FastAPI) -> None:
    @app.middleware("http")
    async def _server_timing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        timer = GatewayTimer()
        gateway_timer.set(timer)
        started = time.perf_counter()
        response = await call_next(request)
        total = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = (
            f"app;dur={total:.1f}, gateway;dur={timer.milliseconds:.1f}"
        )
        return response


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with gateway_client(settings) as gateway:
            app.state.gateway = gateway
            log.info("web_started", gateway=settings.gateway_url)
            yield

    app = FastAPI(title="Community justice platform: web pages", lifespan=lifespan, docs_url=None)
    app.state.settings = settings
    _mount_static(app, settings)
    install_sessions(
        app,
        SessionCookie(
            settings.session_secret,
            max_age_seconds=settings.session_max_age_seconds,
            secure=settings.cookie_secure,
        ),
    )
    _install_server_timing(app)
    install_error_pages(app)
    install_csrf_page(app)
    routes = (find_services, plan, my_deliverables, alerts, account, rounds, manage_services,
              service_page, coordinator_imports)  # fmt: skip
    for module in routes:
        app.include_router(module.router)

    # Stateless: nothing of its own to check. It stays ready when the gateway is away, so that
    # its error pages keep answering rather than the load balancer dropping every replica.
    install_health(app, {})
    install_metrics(app, service="web")
    instrument_app(app)  # traces, when OTEL_* turns them on
    return app
