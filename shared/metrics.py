"""Prometheus metrics every service serves at ``/metrics``.

Process-wide counters and histograms live in prometheus-client's default registry. What must be
read from a service's own state at scrape time (outbox rows, consumer lag, deliveries by state)
is a collector in the app's own registry, or a refresher run just before the scrape, so two apps
in one test process never register the same series twice.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.outbox_rows import outbox_stats
from shared.settings import CommonSettings

disable_created_metrics()  # no `_created` series: they double every counter's output

REQUEST_SECONDS = Histogram(
    "cjp_http_request_duration_seconds",
    "HTTP requests served, by route template, method and status class (count = request rate)",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
Refresher = Callable[[], Awaitable[None]]
UNMATCHED_ROUTE = "<unmatched>"
PROXY_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")
NOT_MEASURED = frozenset({"/metrics", "/health", "/health/live", "/health/ready"})


class RequestMetricsMiddleware:
    """Pure ASGI: times each request and labels it by its route template, never its raw path."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in NOT_MEASURED:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = ["5xx"]

        async def send_noting_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = f"{message['status'] // 100}xx"
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            REQUEST_SECONDS.labels(
                self.service, scope["method"], _route_template(scope), status[0]
            ).observe(time.perf_counter() - started)


def _route_template(scope: Scope) -> str:
    """The matched route's template, e.g. ``/deliverables/{number}``; never the raw path."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if template is None:  # a mounted app (static files) or refused before routing
        mounted = scope.get("root_path") or ""
        return f"{mounted}/{{path}}" if mounted else UNMATCHED_ROUTE
    return _with_prefix(str(scope.get("path", "")), str(template))


def _with_prefix(raw_path: str, template: str) -> str:
    """A route of an included router knows only its own path: put the router's prefix back.

    The prefix is the raw path's leading segments beyond those the template accounts for
    (e.g. the GraphQL router's empty path under ``/graphql``).
    """
    raw = [part for part in raw_path.split("/") if part]
    own = [part for part in template.split("/") if part]
    extra = len(raw) - len(own)
    if extra <= 0 or "{" in "".join(raw[:extra]):
        return template or "/"
    return "/" + "/".join(raw[:extra] + own)


def install_metrics(app: FastAPI, *, service: str) -> CollectorRegistry:
    """Add request metrics and ``GET /metrics``; returns the app's own registry for collectors."""
    registry = CollectorRegistry(auto_describe=True)
    refreshers: list[Refresher] = []
    app.state.metrics_registry = registry
    app.state.metrics_registries = [REGISTRY, registry]
    app.state.metrics_refreshers = refreshers
    app.add_middleware(RequestMetricsMiddleware, service=service)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if any(header in request.headers for header in PROXY_HEADERS):
            # Scraped inside the cluster only: through an ingress or proxy it does not exist.
            return Response(status_code=404)
        for refresh in request.app.state.metrics_refreshers:
            await refresh()
        body = b"".join(generate_latest(r) for r in request.app.state.metrics_registries)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return registry


def add_registry(app: FastAPI, registry: CollectorRegistry) -> None:
    """Serve another registry's metrics too (e.g. FastStream's, built with the consumer)."""
    app.state.metrics_registries.append(registry)


def add_refresher(app: FastAPI, refresh: Refresher) -> None:
    """Run ``refresh`` before each scrape (for figures that need an await, e.g. consumer lag)."""
    app.state.metrics_refreshers.append(refresh)


class OutboxCollector(Collector):
    """Outbox rows not yet published and the age of the oldest, read at scrape time."""

    def __init__(
        self,
        engine_of: Callable[[], Engine | None],
        *,
        service: str,
        read_back_window: float,
    ) -> None:
        self._engine_of = engine_of
        self._service = service
        self._read_back_window = read_back_window

    def collect(self) -> Iterator[GaugeMetricFamily]:
        engine = self._engine_of()
        if engine is None:
            return
        stats = outbox_stats(engine, read_back_window=self._read_back_window)
        figures = [
            ("cjp_outbox_pending_rows", "Outbox rows not yet published", stats.pending),
            (
                "cjp_outbox_oldest_unpublished_age_seconds",
                "Age of the oldest pending outbox row (0 when none)",
                stats.oldest_pending_age_seconds,
            ),
            (
                "cjp_outbox_failed_rows",
                "Outbox rows set aside for good (cjp outbox list / retry)",
                stats.failed,
            ),
            (
                "cjp_outbox_unread_rows",
                "Outbox rows published within the read-back window and not yet read back",
                stats.unread,
            ),
            (
                "cjp_outbox_oldest_unread_age_seconds",
                "Age of the oldest of those (0 when none): rows are read back within seconds, "
                "unless the broker does not serve what it acknowledged or reading back fails",
                stats.oldest_unread_age_seconds,
            ),
        ]
        for name, description, value in figures:
            gauge = GaugeMetricFamily(name, description, labels=["service"])
            gauge.add_metric([self._service], value)
            yield gauge


def install_outbox_metrics(app: FastAPI, *, service: str) -> None:
    """Report the outbox backlog of the engine at ``app.state.engine``."""
    collector = OutboxCollector(
        lambda: getattr(app.state, "engine", None),
        service=service,
        read_back_window=CommonSettings().outbox_readback_window_seconds,
    )
    app.state.metrics_registry.register(collector)
