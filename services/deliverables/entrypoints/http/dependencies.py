"""FastAPI dependencies: the engine, a unit of work, the event context, a list of numbers."""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy import Engine

from services.deliverables.events import EventContext
from shared.errors import BadUserInput
from shared.events import Actor
from shared.http import current_identity
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def unit_of_work(request: Request) -> UnitOfWork:
    """A unit of work on the service's database, for a use case to open."""
    return UnitOfWork(get_engine(request))


def event_context(
    request: Request, identity: Identity | None = Depends(current_identity)
) -> EventContext:
    actor = (
        Actor(
            subject=identity.subject,
            name=identity.name,
            role=identity.role.value,
            organisation=identity.organisation,
        )
        if identity
        else None
    )
    return EventContext(actor=actor, correlation_id=getattr(request.state, "correlation_id", None))


def parse_numbers(raw: str | None) -> list[int] | None:
    """``"40,8,3"`` as ``[40, 8, 3]``; None when absent or empty."""
    if raw is None or not raw.strip():
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise BadUserInput(
            "numbers must be a comma-separated list of whole numbers", field="numbers"
        ) from exc
