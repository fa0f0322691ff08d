"""Kafka headers an outbox row is published with: trace context, correlation id, event type/id.

The row's payload is the event's envelope; what a consumer, a tracing backend or an operator
reading the topic needs without parsing the body is copied into headers:
``traceparent`` (and ``tracestate``) of the relay's publish span, whose parent is the change that
raised the event; ``x-correlation-id`` and ``correlation_id`` (the name FastStream reads, so its
own log lines carry it); ``x-event-type`` and ``x-event-id``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry.trace import SpanKind

from shared.tracing import current_trace_context, span_from

Headers = list[tuple[str, bytes]]


@contextmanager
def publishing(topic: str, payload: str) -> Iterator[Headers]:
    """Open the publish span for one row and give the headers to send it with."""
    envelope = _envelope_fields(payload)
    attributes = {
        "messaging.system": "kafka",
        "messaging.operation.type": "publish",
        "messaging.destination.name": topic,
        "messaging.message.id": str(envelope.get("event_id", "")),
    }
    with span_from(
        f"publish {topic}",
        envelope.get("trace_context"),
        kind=SpanKind.PRODUCER,
        attributes=attributes,
    ):
        yield headers_for(envelope)


def headers_for(envelope: dict[str, Any]) -> Headers:
    headers = {**(current_trace_context() or {})}
    if envelope.get("correlation_id"):
        headers["x-correlation-id"] = str(envelope["correlation_id"])
        headers["correlation_id"] = str(envelope["correlation_id"])
    if envelope.get("event_type"):
        headers["x-event-type"] = str(envelope["event_type"])
    if envelope.get("event_id"):
        headers["x-event-id"] = str(envelope["event_id"])
    return [(name, value.encode()) for name, value in headers.items()]


def _envelope_fields(payload: str) -> dict[str, Any]:
    try:
        parsed = json.loads(payload)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
