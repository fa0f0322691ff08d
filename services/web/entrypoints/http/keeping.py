"""Who keeps the directory on these pages: directory editors (their area) and coordinators."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from services.web.entrypoints.http.pages import error_page
from services.web.entrypoints.http.session import SignedInUser, session_of

KEEPERS = {"directory_editor", "coordinator"}


def keeper_or_refusal(request: Request, *, coordinators_only: bool = False) -> Response | None:
    """None for a keeper; else the sign-in redirect or a refusal page."""
    user = session_of(request).user
    if user is None:
        return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)
    allowed = {"coordinator"} if coordinators_only else KEEPERS
    if user.role not in allowed:
        who = "coordinators" if coordinators_only else "directory editors and coordinators"
        return error_page(request, 403, "You cannot do this", f"Only {who} can do this.")
    return None


def keeper(request: Request) -> SignedInUser:
    user = session_of(request).user
    assert user is not None  # checked by keeper_or_refusal first
    return user
