"""Messages as they arrive: the envelope (with its producer's ``event_id``) and the typed event."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError

from services.notifications.domain.consumed import REGISTRY
from services.notifications.domain.consumed.registry import MalformedEvent, TypedEvent
from shared.events import EventEnvelope

__all__ = ["MalformedEvent", "ReceivedEnvelope", "parse_envelope", "parse_event"]


class ReceivedEnvelope(EventEnvelope):
    """An envelope as received: its producer must have given the event its id.

    (``EventEnvelope`` makes one up for producers; a consumer that did so would give each
    copy of the same event a new id, and idempotence would be lost.)
    """

    event_id: uuid.UUID


def parse_envelope(raw: bytes) -> EventEnvelope:
    try:
        return ReceivedEnvelope.model_validate_json(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        detail = f"{where}: {error['msg']}" if where else error["msg"]
        raise MalformedEvent(f"not a valid event envelope: {detail}") from exc


def parse_event(envelope: EventEnvelope) -> TypedEvent[Any] | None:
    """The event with its typed facts; None for a type we do not act on (MalformedEvent if
    its ``data`` is unusable)."""
    return REGISTRY.parse(envelope.event_type, envelope.data)
