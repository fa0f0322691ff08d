"""Email alerts: subscribe, and the confirm / unsubscribe steps of the email flow."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web.adapters.caller import Caller, caller_of
from services.web.adapters.gateway import GatewayError, GatewayUnavailable
from services.web.entrypoints.http.forms import FieldErrors, require_csrf
from services.web.entrypoints.http.pages import render

router = APIRouter()

TARGET_KINDS = [
    ("DELIVERABLE", "One deliverable", "Its number, for example 40"),
    ("AIM", "An aim of the plan", "Its number, for example 2"),
    ("PRIORITY_ACTION", "A priority action", "Its number, for example 5"),
    ("LEAD_PARTNER", "A lead partner's deliverables", "The partner, for example police-scotland"),
    ("ALL_DELIVERABLES", "Every deliverable", "Leave blank"),
    ("LOCAL_AUTHORITY", "Services in a local authority", "The area, for example fife"),
    ("SERVICE_TYPE", "A type of service", "The type, for example bail-supervision"),
]
FREQUENCIES = [
    ("IMMEDIATELY", "As it happens"),
    ("DAILY", "Daily summary"),
    ("WEEKLY", "Weekly summary"),
]

SUBSCRIBE = """
mutation Subscribe($input: SubscribeInput!) { subscribe(input: $input) { status } }"""
CONFIRM = "mutation Confirm($token: String!) { confirmSubscription(token: $token) { status } }"
UNSUBSCRIBE = "mutation Unsubscribe($token: String!) { unsubscribe(token: $token) { status } }"


def _validate(email: str, kind: str, value: str, frequency: str) -> FieldErrors:
    errors = FieldErrors()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        errors.add("email", "Enter an email address like name@example.org")
    if kind not in {k for k, _, _ in TARGET_KINDS}:
        errors.add("target_kind", "Choose what you want alerts about")
    elif kind != "ALL_DELIVERABLES" and not value.strip():
        errors.add("target_value", "Say which one you want alerts about")
    if frequency not in dict(FREQUENCIES):
        errors.add("frequency", "Choose how often you want alerts")
    return errors


def _form(request: Request, values: dict[str, str], errors: FieldErrors) -> HTMLResponse:
    context = {
        **values, "errors": errors, "kinds": TARGET_KINDS, "frequencies": FREQUENCIES,
        "nav": "alerts",
    }  # fmt: skip
    return render(request, "alerts.html", context, 422 if errors else 200)


@router.get("/alerts", response_class=HTMLResponse)
async def alerts_page(request: Request, target_kind: str = "", target_value: str = "") -> Response:
    values = {"email": "", "target_kind": target_kind, "target_value": target_value}
    return _form(request, {**values, "frequency": "IMMEDIATELY"}, FieldErrors())


@router.post("/alerts", dependencies=[Depends(require_csrf)])
async def subscribe(
    request: Request,
    caller: Annotated[Caller, Depends(caller_of)],
    email: Annotated[str, Form()] = "",
    target_kind: Annotated[str, Form()] = "",
    target_value: Annotated[str, Form()] = "",
    frequency: Annotated[str, Form()] = "",
) -> Response:
    email, target_value = email.strip(), target_value.strip()
    errors = _validate(email, target_kind, target_value, frequency)
    if not errors:
        subscription = {
            "email": email, "targetKind": target_kind,
            "targetValue": target_value or None, "frequency": frequency,
        }  # fmt: skip
        try:
            await caller.run(SUBSCRIBE, {"input": subscription})
            return RedirectResponse("/alerts/check-your-email", status_code=303)
        except GatewayUnavailable:
            raise
        except GatewayError as exc:
            field = {"email": "email", "targetValue": "target_value"}.get(
                exc.field or "", "target_value"
            )
            errors.add(field, exc.message)
    values = {"email": email, "target_kind": target_kind, "target_value": target_value}
    return _form(request, {**values, "frequency": frequency}, errors)


@router.get("/alerts/check-your-email", response_class=HTMLResponse)
async def check_email(request: Request) -> HTMLResponse:
    return render(request, "alerts_sent.html", {"nav": "alerts", "title": "Check your email"})


@router.get("/alerts/{action}", response_class=HTMLResponse)
async def token_page(request: Request, action: str, token: str = "") -> HTMLResponse:
    if action not in ("confirm", "unsubscribe"):
        return render(request, "error.html", {"title": "Page not found", "message": ""}, 404)
    return render(request, "alerts_token.html", {"action": action, "token": token, "nav": "alerts"})


@router.post("/alerts/{action}", dependencies=[Depends(require_csrf)])
async def use_token(
    request: Request,
    action: str,
    caller: Annotated[Caller, Depends(caller_of)],
    token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    if action not in ("confirm", "unsubscribe"):
        return render(request, "error.html", {"title": "Page not found", "message": ""}, 404)
    try:
        await caller.run(CONFIRM if action == "confirm" else UNSUBSCRIBE, {"token": token})
    except GatewayUnavailable:
        raise
    except GatewayError:
        context = {"action": action, "token": token, "failed": True, "nav": "alerts"}
        return render(request, "alerts_token.html", context, 422)
    return render(request, "alerts_done.html", {"action": action, "nav": "alerts"})
