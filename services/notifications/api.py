"""JSON API: subscribe, confirm, unsubscribe (thin: translate and delegate)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.notifications import subscribing
from services.notifications.requests import StatusResponse, SubscribeRequest, TokenRequest
from services.notifications.wiring import Wiring

router = APIRouter()


def wiring(request: Request) -> Wiring:
    return request.app.state.wiring


@router.get("/health")
async def health(request: Request) -> dict[str, str]:
    """Ready for HTTP; ``consumer`` says whether the Kafka consumer has joined its group yet."""
    joined = wiring(request).consumer.started.is_set()
    return {"status": "ok", "consumer": "running" if joined else "starting"}


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
