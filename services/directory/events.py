"""Events the directory publishes on ``directory.service.v1`` (through the outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from shared.events import Actor, new_event
from shared.identity import Identity
from shared.outbox import add_to_outbox

SERVICE_TOPIC = "directory.service.v1"
SOURCE = "directory"


class ServiceEventData(BaseModel):
    service_id: str
    name: str
    local_authorities: list[str]
    service_types: list[str]
    is_sample: bool = False


class ServiceCreated(ServiceEventData):
    status: str


class FieldChange(BaseModel):
    old: Any
    new: Any


class ServiceUpdated(ServiceEventData):
    changes: dict[str, FieldChange]


class ServiceWithdrawn(ServiceEventData):
    reason: str | None


class ServiceReviewDue(ServiceEventData):
    owner_partnership: str | None
    owner_partnership_code: str | None
    owner_email: str | None
    last_reviewed_at: datetime


class ServiceCorrectionSuggested(ServiceEventData):
    """Additive to the contract: tells the owning partnership someone suggested a correction."""

    suggestion_id: str
    field: str | None
    message: str
    owner_partnership: str | None
    owner_partnership_code: str | None
    owner_email: str | None


def actor_of(identity: Identity | None) -> Actor | None:
    if identity is None:
        return None
    return Actor(
        subject=identity.subject,
        name=identity.name,
        role=identity.role.value,
        organisation=identity.organisation,
    )


def stage_service_event(
    session: Session,
    data: ServiceEventData,
    *,
    identity: Identity | None,
    correlation_id: str | None,
) -> None:
    """Add the event to the caller's transaction; its type is the payload class name."""
    envelope = new_event(
        event_type=type(data).__name__,
        source=SOURCE,
        aggregate_id=data.service_id,
        data=data,
        correlation_id=correlation_id,
        actor=actor_of(identity),
    )
    add_to_outbox(session, envelope, topic=SERVICE_TOPIC)
