"""Reporting rounds (coordinator). The gateway has no round queries or ``publishRound`` yet,
so this page says so instead of offering a button that cannot work."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web.pages import error_page, render
from services.web.session import session_of

router = APIRouter()


@router.get("/rounds", response_class=HTMLResponse)
async def rounds_page(request: Request) -> Response:
    user = session_of(request).user
    if user is None:
        return RedirectResponse("/sign-in?next=/rounds", status_code=303)
    if user.role != "coordinator":
        return error_page(request, 403, "You cannot do this", "Only coordinators publish rounds.")
    return render(request, "rounds.html", {"nav": "rounds", "title": "Reporting rounds"})
