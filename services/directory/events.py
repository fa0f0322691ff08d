"""Events the directory publishes on ``directory.service.v1`` (through the outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from services.directory.adapters.tables import Partnership
from services.directory.adapters.views import service_views
from services.directory.schemas import ServiceOut
from shared.events import Actor, new_event
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork

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


def field_changes(changes: dict[str, dict[str, Any]]) -> dict[str, FieldChange]:
    """The history's ``{field: {old, new}}`` as the event's changes."""
    return {name: FieldChange(old=c["old"], new=c["new"]) for name, c in changes.items()}


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


def owner_details(owner: Partnership | None) -> dict[str, str | None]:
    """The owning partnership's part of an event (``ServiceReviewDue``, suggestions)."""
    return {
        "owner_partnership": owner.name if owner else None,
        "owner_partnership_code": owner.code if owner else None,
        "owner_email": owner.email if owner else None,
    }


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
    uow: UnitOfWork,
    data: ServiceEventData,
    *,
    identity: Identity | None,
    correlation_id: str | None,
) -> None:
    """Stage the event in the caller's unit of work; its type is the payload class name."""
    envelope = new_event(
        event_type=type(data).__name__,
        source=SOURCE,
        aggregate_id=data.service_id,
        data=data,
        correlation_id=correlation_id,
        actor=actor_of(identity),
    )
    uow.publish(envelope, topic=SERVICE_TOPIC)


def announce(
    uow: UnitOfWork,
    kind: type[ServiceEventData],
    service_id: str,
    *,
    identity: Identity | None,
    correlation_id: str | None,
    **details: Any,
) -> ServiceOut:
    """Stage a ``kind`` event about the entry and return its view.

    The part every event shares is read from the entry's view here and nowhere else; ``details``
    are the fields only ``kind`` carries.
    """
    view = service_views(uow.session, [service_id])[0]
    data = kind(
        service_id=view.id,
        name=view.name,
        local_authorities=view.local_authorities,
        service_types=view.service_types,
        is_sample=view.is_sample,
        **details,
    )
    stage_service_event(uow, data, identity=identity, correlation_id=correlation_id)
    return view
