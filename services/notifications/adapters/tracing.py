"""Carry a change's trace from the consumer to the SMTP send that the event leads to.

The consumer handles the event inside FastStream's span (its parent came in the Kafka headers);
the email is sent later by the sender's own loop, so the consumer remembers the span's context
by event id and the sender starts its ``smtp send`` span under it. The memory is per process and
bounded: an email sent by another replica, or after a restart, starts a trace of its own.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.trace import Span, SpanKind

from shared.tracing import current_trace_context, span_from, tracing_active

REMEMBERED_EVENTS = 10_000
_traces: OrderedDict[uuid.UUID, dict[str, str]] = OrderedDict()


def remember_event_trace(event_id: uuid.UUID) -> None:
    """Keep the current span's context for the emails this event queues."""
    if not tracing_active():
        return
    carrier = current_trace_context()
    if carrier:
        _traces[event_id] = carrier
        _traces.move_to_end(event_id)
        while len(_traces) > REMEMBERED_EVENTS:
            _traces.popitem(last=False)


@contextmanager
def sending_span(event_id: uuid.UUID | None, delivery_id: int) -> Iterator[Span]:
    """The ``smtp send`` span of one email, under the event's trace when it is remembered."""
    parent = _traces.get(event_id) if event_id is not None else None
    attributes: dict[str, str | int] = {"cjp.delivery.id": delivery_id}
    attributes["network.protocol.name"] = "smtp"
    with span_from("smtp send", parent, kind=SpanKind.CLIENT, attributes=attributes) as span:
        yield span
