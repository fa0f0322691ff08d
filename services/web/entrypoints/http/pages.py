"""Rendering: Jinja2 templates, the common page context and the error pages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.web.adapters.gateway import GatewayError, GatewayUnavailable
from services.web.entrypoints.http.session import WebSession, replace_session, session_of

TEMPLATES_DIR = Path(__file__).parents[2] / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def time_ago(moment: datetime | None, *, now: datetime | None = None) -> str:
    """Freshness in words, e.g. "3 months ago"."""
    if moment is None:
        return "not recorded"
    now = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    days = (now - moment).days
    if days < 1:
        return "today"
    for size, unit in ((365, "year"), (30, "month"), (7, "week"), (1, "day")):
        if days >= size:
            count = days // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "today"


def humanise(code: str) -> str:
    """A code such as ``justice-social-work`` as words; names with spaces stay as they are."""
    if " " in code or code != code.lower():
        return code
    return code.replace("-", " ").replace("_", " ").capitalize()


templates.env.filters["time_ago"] = time_ago
templates.env.filters["humanise"] = humanise
templates.env.filters["lookup"] = lambda codes, names: [names.get(c, c) for c in codes]


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page with what every page needs: the user, the CSRF token and the styling."""
    session = session_of(request)
    full = {
        "user": session.user,
        "csrf_token": session.csrf,
        "design_system": request.app.state.design_system_available,
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, full, status_code=status_code)


def error_page(request: Request, status_code: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", {"title": title, "message": message}, status_code)


def install_error_pages(app: FastAPI) -> None:
    """Turn gateway errors into pages a person can act on."""

    @app.exception_handler(GatewayError)
    async def _gateway_error(request: Request, exc: GatewayError) -> Response:
        if isinstance(exc, GatewayUnavailable):
            return error_page(request, 503, "Sorry, there is a problem", exc.message)
        if exc.code == "UNAUTHENTICATED":
            replace_session(request, WebSession.anonymous())
            return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)
        if exc.code == "FORBIDDEN":
            return error_page(request, 403, "You cannot do this", exc.message)
        if exc.code == "RATE_LIMITED":
            return error_page(request, 429, "Too many requests", "Wait a minute and try again.")
        if exc.code == "NOT_FOUND":
            return error_page(request, 404, "Page not found", exc.message)
        return error_page(request, 400, "Sorry, there is a problem", exc.message)
