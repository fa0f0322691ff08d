"""Coordinator-only operator routes every service with an outbox serves: list and retry rows.

``GET /operator/outbox?state=failed|pending`` lists rows that are not published (a failed row
carries its reason); ``POST /operator/outbox/retry`` puts failed rows (all, or the ids given) back
in the queue. The gateway mirrors them as GraphQL (``outboxRows``, ``retryOutboxRows``) and
``cjp outbox list|retry SERVICE`` calls them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from shared.errors import Forbidden
from shared.http import require_identity
from shared.identity import Identity, Role
from shared.outbox import wake_relays_of
from shared.outbox_rows import OutboxMessage, OutboxState, retry_failed


def require_coordinator(identity: Identity = Depends(require_identity)) -> Identity:
    """Use as a dependency: only a coordinator may operate the platform."""
    if identity.role != Role.COORDINATOR:
        raise Forbidden("Only a coordinator may do this.")
    return identity


class OutboxRowOut(BaseModel):
    id: int
    event_id: str
    event_type: str
    topic: str
    key: str
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime


class OutboxRows(BaseModel):
    items: list[OutboxRowOut]


class RetryRequest(BaseModel):
    ids: list[int] | None = None  # None: every failed row


class RetryResult(BaseModel):
    retried: int


def outbox_operator_router(engine_of: Callable[[Request], Engine]) -> APIRouter:
    router = APIRouter(prefix="/operator", dependencies=[Depends(require_coordinator)])

    @router.get("/outbox", response_model=OutboxRows)
    async def list_outbox(
        request: Request,
        state: Literal["failed", "pending"] = "failed",
        limit: int = Query(default=100, ge=1, le=1000),
    ) -> OutboxRows:
        rows = await asyncio.to_thread(unpublished_rows, engine_of(request), state, limit)
        return OutboxRows(items=[_row_out(row) for row in rows])

    @router.post("/outbox/retry", response_model=RetryResult)
    async def retry_outbox(body: RetryRequest, request: Request) -> RetryResult:
        retried = await asyncio.to_thread(retry_failed, engine_of(request), body.ids)
        wake_relays_of(engine_of(request))
        return RetryResult(retried=retried)

    return router


def unpublished_rows(engine: Engine, state: str, limit: int) -> list[OutboxMessage]:
    """Rows in ``state`` (pending or failed), oldest first."""
    with Session(engine) as session:
        statement = (
            select(OutboxMessage)
            .where(col(OutboxMessage.state) == OutboxState(state).value)
            .order_by(col(OutboxMessage.id))
            .limit(limit)
        )
        return list(session.exec(statement).all())


def _row_out(row: OutboxMessage) -> OutboxRowOut:
    return OutboxRowOut(
        id=row.id or 0,
        event_id=str(row.event_id),
        event_type=row.event_type,
        topic=row.topic,
        key=row.key,
        state=row.state,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
    )
