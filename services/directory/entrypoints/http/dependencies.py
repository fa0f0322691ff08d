"""What every route needs: the database engine, a unit of work and the request's correlation id."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import Engine

from shared.unit_of_work import UnitOfWork


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def correlation_id(request: Request) -> str | None:
    return getattr(request.state, "correlation_id", None)


def unit_of_work(request: Request) -> UnitOfWork:
    """A unit of work on the service's database, for a use case to open."""
    return UnitOfWork(get_engine(request))
