"""This service's own view of the events it consumes: only the fields it needs, validated."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.events import EventEnvelope


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class DeliverableFacts(_Payload):
    number: int
    title: str
    aim: str | None = None
    priority_action: str | None = None
    lead_partners: list[str] = Field(default_factory=list)
    status: str | None = None
    timescale: str | None = None
    old_status: str | None = None
    new_status: str | None = None
    old_timescale: str | None = None
    new_timescale: str | None = None
    reason: str | None = None
    narrative: str | None = None
    round: str | None = None


class ReportingRoundFacts(_Payload):
    round_number: str
    name: str
    published_at: str | None = None


class ServiceFacts(_Payload):
    service_id: str
    name: str
    local_authorities: list[str] = Field(default_factory=list)
    service_types: list[str] = Field(default_factory=list)
    changes: dict[str, dict[str, Any]] = Field(default_factory=dict)
    reason: str | None = None
    owner_partnership: str | None = None
    owner_email: str | None = None
    last_reviewed_at: str | None = None


class CorrectionFacts(ServiceFacts):
    """``ServiceCorrectionSuggested``: what someone thinks is wrong (never who they are)."""

    suggestion_id: str
    message: str
    field: str | None = None


DELIVERABLE_EVENTS = {
    "DeliverableAdded",
    "DeliverableStatusChanged",
    "DeliverableTimescaleRevised",
    "DeliverableUpdated",
}
SERVICE_EVENTS = {"ServiceCreated", "ServiceUpdated", "ServiceWithdrawn", "ServiceReviewDue"}
CORRECTION_EVENTS = {"ServiceCorrectionSuggested"}
# Mailed to the entry's owning partnership (``owner_email``) only, never to subscribers.
OWNER_EVENTS = {"ServiceReviewDue", "ServiceCorrectionSuggested"}
ROUND_EVENTS = {"ReportingRoundPublished"}

Facts = DeliverableFacts | ReportingRoundFacts | ServiceFacts  # CorrectionFacts is a ServiceFacts


class MalformedEvent(Exception):
    """The message cannot be understood; it belongs on the dead-letter topic."""


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


def parse_facts(envelope: EventEnvelope) -> Facts | None:
    """The typed payload of a known event type; None for a type we do not act on."""
    model: type[_Payload]
    if envelope.event_type in DELIVERABLE_EVENTS:
        model = DeliverableFacts
    elif envelope.event_type in SERVICE_EVENTS:
        model = ServiceFacts
    elif envelope.event_type in CORRECTION_EVENTS:
        model = CorrectionFacts
    elif envelope.event_type in ROUND_EVENTS:
        model = ReportingRoundFacts
    else:
        return None
    try:
        return model.model_validate(envelope.data)
    except ValidationError as exc:
        reason = (
            f"{envelope.event_type} data invalid: {exc.errors()[0]['loc']} {exc.errors()[0]['msg']}"
        )
        raise MalformedEvent(reason) from exc
