"""Sign in (through the gateway's ``signIn`` mutation) and sign out."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web.adapters.caller import Caller, caller_of
from services.web.adapters.gateway import GatewayError, GatewayUnavailable
from services.web.entrypoints.http.forms import FieldErrors, require_csrf
from services.web.entrypoints.http.pages import render
from services.web.entrypoints.http.session import SignedInUser, WebSession, replace_session

router = APIRouter()

SIGN_IN = """
mutation SignIn($email: String!, $password: String!) {
  signIn(email: $email, password: $password) {
    token user { email name role organisation localAuthority }
  }
}"""


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the sign-in page cannot be used to send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/find-services"


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "sign_in.html", {"next": _safe_next(next), "nav": "account"})


@router.post("/sign-in", dependencies=[Depends(require_csrf)])
async def sign_in(
    request: Request,
    caller: Annotated[Caller, Depends(caller_of)],
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    errors = FieldErrors()
    if not email.strip():
        errors.add("email", "Enter your email address")
    if not password:
        errors.add("password", "Enter your password")
    if not errors:
        try:
            data = await caller.run(SIGN_IN, {"email": email.strip(), "password": password})
        except GatewayUnavailable:
            raise
        except GatewayError:
            errors.add("email", "The email address or password is not right")
        else:
            payload = data["signIn"]
            user = SignedInUser.model_validate(
                {**payload["user"], "local_authority": payload["user"].get("localAuthority")}
            )
            replace_session(
                request,
                WebSession(csrf=secrets.token_urlsafe(32), token=payload["token"], user=user),
            )
            return RedirectResponse(_safe_next(next), status_code=303)
    context = {"errors": errors, "email": email, "next": _safe_next(next), "nav": "account"}
    return render(request, "sign_in.html", context, status_code=422)


@router.post("/sign-out", dependencies=[Depends(require_csrf)])
async def sign_out(request: Request) -> RedirectResponse:
    replace_session(request, WebSession.anonymous())
    return RedirectResponse("/signed-out", status_code=303)


@router.get("/signed-out", response_class=HTMLResponse)
async def signed_out(request: Request) -> HTMLResponse:
    return render(request, "signed_out.html", {"nav": "account"})
