"""Tracing is off unless OTEL_* asks for it, and then the SDK is set up from those variables."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from shared.tests.tracing_reset import forget_global_tracer_provider
from shared.tracing import configure_tracing, instrument_app, tracing_active


def test_without_otel_variables_nothing_is_set_up_or_instrumented(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
    assert configure_tracing("probe") is False
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    assert configure_tracing("probe") is False
    assert not tracing_active()
    app = FastAPI()
    instrument_app(app)
    assert app.user_middleware == []  # no OpenTelemetry middleware when tracing is off


def test_otel_variables_set_up_the_sdk_with_the_service_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "cjp-probe")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "false")
    try:
        assert configure_tracing("probe") is True
        provider = trace.get_tracer_provider()
        assert isinstance(provider, TracerProvider) and tracing_active()
        assert provider.resource.attributes["service.name"] == "cjp-probe"
        provider.shutdown()
    finally:
        forget_global_tracer_provider()
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert configure_tracing("probe") is False  # OTEL_SDK_DISABLED wins
