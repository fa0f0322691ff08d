"""Operator routes (coordinator only) and the mail provider's delivery-status callback.

Thin: each route translates and calls ``operating``, ``dead_letters`` or ``delivery_status``.
The gateway mirrors the operator routes as GraphQL; ``cjp`` calls them from a terminal.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel

from services.notifications.adapters import dead_letters
from services.notifications.use_cases import delivery_status, operating
from services.notifications.wiring import Wiring
from shared.operator_api import require_coordinator

router = APIRouter(prefix="/operator", dependencies=[Depends(require_coordinator)])
callbacks = APIRouter()


class FailedDeliveryOut(BaseModel):
    id: int
    kind: str
    address: str | None
    attempts: int
    reason: str | None
    subject: str | None
    created_at: datetime


class SuspendedAddressOut(BaseModel):
    subscriber_id: int
    address: str | None
    permanent_failures: int
    suspended_at: datetime


class DeadLetterOut(BaseModel):
    partition: int
    offset: int
    reason: str
    original_topic: str
    original_partition: int | None
    original_offset: int | None
    size_bytes: int


class FailedDeliveries(BaseModel):
    items: list[FailedDeliveryOut]


class SuspendedAddresses(BaseModel):
    items: list[SuspendedAddressOut]


class DeadLetters(BaseModel):
    items: list[DeadLetterOut]


class ReplayRequest(BaseModel):
    partition: int
    offset: int


def _wiring(request: Request) -> Wiring:
    return request.app.state.wiring


@router.get("/deliveries", response_model=FailedDeliveries)
async def failed_deliveries(
    request: Request, limit: int = Query(default=100, ge=1, le=1000)
) -> FailedDeliveries:
    found = await asyncio.to_thread(
        operating.failed_deliveries, _wiring(request).engine, limit=limit
    )
    return FailedDeliveries(items=[FailedDeliveryOut(**vars(item)) for item in found])


@router.get("/suspended", response_model=SuspendedAddresses)
async def suspended(
    request: Request, limit: int = Query(default=100, ge=1, le=1000)
) -> SuspendedAddresses:
    found = await asyncio.to_thread(
        operating.suspended_addresses, _wiring(request).engine, limit=limit
    )
    return SuspendedAddresses(items=[SuspendedAddressOut(**vars(item)) for item in found])


@router.post("/suspended/{subscriber_id}/lift")
async def lift(subscriber_id: int, request: Request) -> dict[str, str]:
    await asyncio.to_thread(operating.lift_suspension, _wiring(request).engine, subscriber_id)
    return {"status": "lifted"}


@router.get("/dead-letters", response_model=DeadLetters)
async def list_dead_letters(
    request: Request, limit: int = Query(default=100, ge=1, le=1000)
) -> DeadLetters:
    found = await dead_letters.list_dead_letters(_wiring(request).common, limit=limit)
    return DeadLetters(items=[DeadLetterOut(**vars(item)) for item in found])


@router.post("/dead-letters/replay")
async def replay(body: ReplayRequest, request: Request) -> dict[str, str]:
    topic = await dead_letters.replay_dead_letter(
        _wiring(request).common, partition=body.partition, offset=body.offset
    )
    return {"status": "replayed", "topic": topic}


@callbacks.post("/callbacks/delivery-status")
async def delivery_status_callback(
    body: delivery_status.DeliveryStatusCallback,
    request: Request,
    authorization: str | None = Header(default=None),
) -> dict[str, str]:
    wiring = _wiring(request)
    delivery_status.check_bearer(authorization, wiring.settings.callback_bearer_token)
    done = await asyncio.to_thread(delivery_status.record_delivery_status, wiring.engine, body)
    return {"status": done}
