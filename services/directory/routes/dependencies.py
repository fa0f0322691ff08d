"""What every route needs: the database engine and the request's correlation id."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import Engine


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def correlation_id(request: Request) -> str | None:
    return getattr(request.state, "correlation_id", None)


def wake_relay(request: Request) -> None:
    """Ask the outbox relay to publish now rather than at its next poll."""
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        relay.wake()
