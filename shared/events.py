"""The one envelope every event travels in (see docs/events.md)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.tracing import current_trace_context


class Actor(BaseModel):
    """Who caused an event, as the gateway identified them."""

    model_config = ConfigDict(extra="ignore")

    subject: str
    name: str | None = None
    role: str | None = None
    organisation: str | None = None


class EventEnvelope(BaseModel):
    """Metadata common to every event; ``data`` holds the event-specific payload."""

    model_config = ConfigDict(extra="forbid")

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    event_type: str = Field(min_length=1)
    version: int = Field(default=1, ge=1)
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    source: str = Field(min_length=1)
    aggregate_id: str = Field(min_length=1)
    correlation_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    actor: Actor | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    # W3C trace context of the change that raised the event (``traceparent``/``tracestate``):
    # the outbox relay copies it into Kafka headers, so the trace goes on to the consumer.
    trace_context: dict[str, str] | None = None

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> EventEnvelope:
        return cls.model_validate_json(raw)


def new_event(
    *,
    event_type: str,
    source: str,
    aggregate_id: str,
    data: BaseModel,
    correlation_id: str | None = None,
    actor: Actor | None = None,
    version: int = 1,
) -> EventEnvelope:
    """Wrap a typed payload in an envelope; the payload is serialised in JSON mode."""
    envelope = EventEnvelope(
        event_type=event_type,
        source=source,
        aggregate_id=aggregate_id,
        data=data.model_dump(mode="json"),
        actor=actor,
        version=version,
        trace_context=current_trace_context(),
    )
    if correlation_id:
        envelope.correlation_id = correlation_id
    return envelope
