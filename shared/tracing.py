"""OpenTelemetry traces, off unless the standard ``OTEL_*`` variables turn them on.

``OTEL_TRACES_EXPORTER=otlp`` (or ``console``; several separated by commas) makes a process
record spans and send them, to ``OTEL_EXPORTER_OTLP_ENDPOINT`` for OTLP; ``OTEL_SERVICE_NAME``,
``OTEL_RESOURCE_ATTRIBUTES`` and ``OTEL_TRACES_SAMPLER`` are read by the SDK as usual, and
``OTEL_SDK_DISABLED=true`` wins over everything. Unset, nothing is instrumented and nothing costs.

A trace follows one change: HTTP in and out of every service (FastAPI and httpx
instrumentation, W3C ``traceparent``), the event's envelope (``trace_context``, captured when the
change raised it), the outbox relay's publish span and the Kafka headers it writes, the consumer
(FastStream's telemetry middleware reads the headers) and the SMTP send.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from fastapi import FastAPI
from opentelemetry import context, propagate, trace
from opentelemetry.trace import Span, SpanKind

TRACER = "cjp"
NOT_TRACED_URLS = "health,metrics"


def configure_tracing(service: str) -> bool:
    """Install an SDK tracer provider when ``OTEL_*`` asks for traces; True if it did."""
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    exporters = [
        name.strip()
        for name in os.environ.get("OTEL_TRACES_EXPORTER", "").split(",")
        if name.strip() and name.strip() != "none"
    ]
    if not exporters:
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    os.environ.setdefault("OTEL_SERVICE_NAME", f"cjp-{service}")
    provider = TracerProvider(resource=Resource.create())
    for name in exporters:
        provider.add_span_processor(BatchSpanProcessor(_exporter(name)))
    trace.set_tracer_provider(provider)
    return True


def _exporter(name: str):  # type: ignore[no-untyped-def]
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    raise ValueError(f"OTEL_TRACES_EXPORTER={name!r}: use otlp, console or none")


def tracing_active() -> bool:
    """True once a real (SDK) tracer provider is installed, by ``configure_tracing`` or a test."""
    provider = trace.get_tracer_provider()
    return type(provider).__module__.startswith("opentelemetry.sdk")


def instrument_app(app: FastAPI) -> None:
    """Trace every request the app serves and every call made with httpx, when tracing is on."""
    if not tracing_active():
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    # One span per request, without a child for each ASGI receive and send.
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls=NOT_TRACED_URLS, exclude_spans=["receive", "send"]
    )
    httpx_instrumentor = HTTPXClientInstrumentor()
    if not httpx_instrumentor.is_instrumented_by_opentelemetry:
        httpx_instrumentor.instrument()


def current_trace_context() -> dict[str, str] | None:
    """The current span as W3C headers (``traceparent``, maybe ``tracestate``), or None."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier or None


@contextmanager
def span_from(
    name: str,
    carrier: Mapping[str, str] | None,
    *,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, str | int] | None = None,
) -> Iterator[Span]:
    """A span whose parent is the context in ``carrier`` (W3C headers), or a new trace.

    With tracing off it is the no-op span at once: reading the carrier and starting a
    non-recording span cost the sender 5% of its time per email (bench/notifications_fanout.py).
    """
    if not tracing_active():
        yield trace.INVALID_SPAN
        return
    parent = propagate.extract(dict(carrier or {}))
    token = context.attach(parent)
    try:
        tracer = trace.get_tracer(TRACER)
        with tracer.start_as_current_span(name, kind=kind, attributes=attributes) as span:
            yield span
    finally:
        context.detach(token)
