"""Tests that install a global tracer provider put the process back as it was."""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.util._once import Once


def forget_global_tracer_provider() -> None:
    # The API lets a process set its global provider once; later tests must see tracing off
    # again, as in production without OTEL_*. (OpenTelemetry's own test utilities do this.)
    trace._TRACER_PROVIDER = None
    trace._TRACER_PROVIDER_SET_ONCE = Once()
