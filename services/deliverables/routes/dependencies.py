"""FastAPI dependencies: the database engine and the event context of a request."""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy import Engine

from services.deliverables.events import EventContext
from shared.events import Actor
from shared.http import current_identity
from shared.identity import Identity


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


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
