"""Pages behind the links in emails. GET only shows a button; only POST changes anything."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.notifications.adapters.tables import Subscription
from services.notifications.adapters.tokens import Purpose
from services.notifications.domain.wording import describe_target
from services.notifications.use_cases import subscribing
from services.notifications.use_cases.composing import TEMPLATES
from services.notifications.wiring import Wiring
from shared.errors import BadUserInput

router = APIRouter()


def _page(
    title: str, *paragraphs: str, forms: list[dict[str, Any]] | None = None, status: int = 200
) -> HTMLResponse:
    html = TEMPLATES.get_template("page.html.j2").render(
        title=title, paragraphs=paragraphs, forms=forms or []
    )
    return HTMLResponse(html, status_code=status)


def _link_problem(exc: BadUserInput) -> HTMLResponse:
    return _page("This link does not work", exc.message, status=422)


@router.get("/confirm", response_class=HTMLResponse)
async def confirm_page(token: str) -> HTMLResponse:
    form = {"action": f"/confirm?token={token}", "label": "Confirm my subscription"}
    return _page(
        "Confirm your subscription",
        "Press the button to start receiving these emails.",
        forms=[form],
    )


@router.post("/confirm", response_class=HTMLResponse)
async def confirm(token: str, request: Request) -> HTMLResponse:
    wired: Wiring = request.app.state.wiring
    try:
        await asyncio.to_thread(subscribing.confirm, wired.engine, wired.tokens, token)
    except BadUserInput as exc:
        return _link_problem(exc)
    return _page("Subscription confirmed", "Thank you. You will now get these emails.")


@router.get("/unsubscribe", response_class=HTMLResponse)
async def unsubscribe_page(token: str) -> HTMLResponse:
    form = {"action": f"/unsubscribe?token={token}", "label": "Unsubscribe"}
    return _page(
        "Stop these emails?", "Press the button and we will stop sending them.", forms=[form]
    )


@router.post("/unsubscribe", response_class=HTMLResponse)
async def unsubscribe(token: str, request: Request) -> HTMLResponse:
    """The page's button and RFC 8058 one-click (``List-Unsubscribe=One-Click``) land here."""
    wired: Wiring = request.app.state.wiring
    try:
        await asyncio.to_thread(subscribing.unsubscribe, wired.engine, wired.tokens, token)
    except BadUserInput as exc:
        return _link_problem(exc)
    return _page("You have unsubscribed", "We will not send you these emails any more.")


@router.get("/manage", response_class=HTMLResponse)
async def manage_page(token: str, request: Request) -> HTMLResponse:
    wired: Wiring = request.app.state.wiring
    try:
        claim = wired.tokens.read(token, allowed={Purpose.MANAGE})
    except BadUserInput as exc:
        return _link_problem(exc)
    subscriptions = await asyncio.to_thread(
        subscribing.live_subscriptions, wired.engine, claim.subject_id
    )
    forms = [
        {
            "description": f"Emails about {_about(s)}, sent {s.frequency}.",
            "action": f"/unsubscribe?token={wired.tokens.issue(Purpose.UNSUBSCRIBE, s.id or 0)}",
            "label": "Stop these",
        }
        for s in subscriptions
    ]
    if subscriptions:
        all_token = wired.tokens.issue(Purpose.UNSUBSCRIBE_ALL, claim.subject_id)
        forms.append(
            {"action": f"/unsubscribe?token={all_token}", "label": "Stop all emails from us"}
        )
    intro = (
        "These are the emails you get from us." if subscriptions else "You get no emails from us."
    )
    return _page("Your email subscriptions", intro, forms=forms)


def _about(subscription: Subscription) -> str:
    return describe_target(
        subscription.target_kind, subscription.target_value, subscription.transition
    )
