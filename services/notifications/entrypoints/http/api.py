"""JSON API: subscribe, confirm, unsubscribe, list mine (thin: translate and delegate)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.notifications.adapters.tables import Subscription, SubscriptionStatus
from services.notifications.schemas import (
    StatusResponse,
    SubscribeRequest,
    SubscriptionList,
    SubscriptionOut,
    TargetOut,
    TokenRequest,
)
from services.notifications.use_cases import subscribing
from services.notifications.wiring import Wiring

router = APIRouter()


def wiring(request: Request) -> Wiring:
    return request.app.state.wiring


@router.post("/subscriptions", status_code=202, response_model=StatusResponse)
async def create_subscription(body: SubscribeRequest, request: Request) -> JSONResponse:
    wired = wiring(request)
    await asyncio.to_thread(subscribing.subscribe, wired.engine, body, wired.settings)
    wired.sender.wake()
    return JSONResponse({"status": "pending_confirmation"}, status_code=202)


@router.post("/subscriptions/confirm", response_model=StatusResponse)
async def confirm_subscription(body: TokenRequest, request: Request) -> StatusResponse:
    wired = wiring(request)
    await asyncio.to_thread(subscribing.confirm, wired.engine, wired.tokens, body.token)
    return StatusResponse(status="confirmed")


@router.post("/subscriptions/unsubscribe", response_model=StatusResponse)
async def unsubscribe(body: TokenRequest, request: Request) -> StatusResponse:
    wired = wiring(request)
    await asyncio.to_thread(subscribing.unsubscribe, wired.engine, wired.tokens, body.token)
    return StatusResponse(status="unsubscribed")


@router.post("/subscriptions/mine", response_model=SubscriptionList)
async def my_subscriptions(body: TokenRequest, request: Request) -> SubscriptionList:
    """The live subscriptions of whoever holds a manage token (from any of their emails)."""
    wired = wiring(request)
    found = await asyncio.to_thread(
        subscribing.subscriptions_for_token, wired.engine, wired.tokens, body.token
    )
    return SubscriptionList(items=[_subscription_out(s) for s in found])


def _subscription_out(subscription: Subscription) -> SubscriptionOut:
    return SubscriptionOut(
        id=subscription.id or 0,
        target=TargetOut(kind=subscription.target_kind, value=subscription.target_value),
        frequency=subscription.frequency,
        transition=subscription.transition,
        status=subscription.status,
        confirmed=subscription.status == SubscriptionStatus.CONFIRMED,
    )
