"""Update my deliverables: a lead partner changes the status of a deliverable it leads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web.caller import Caller, caller_of
from services.web.forms import FieldErrors, require_csrf
from services.web.gateway import GatewayError, GatewayUnavailable
from services.web.models import Deliverable
from services.web.pages import error_page, render
from services.web.planning import STATUSES, deliverables_led_by, load_deliverable
from services.web.session import session_of

router = APIRouter()
EDITOR_ROLES = {"partner_editor", "coordinator"}
REASON_LIMIT = 2000

UPDATE_STATUS = """
mutation UpdateStatus($number: Int!, $status: DeliverableStatus!, $reason: String) {
  updateDeliverableStatus(number: $number, status: $status, reason: $reason) { number statusLabel }
}"""


def _editor_or_redirect(request: Request) -> Response | None:
    user = session_of(request).user
    if user is None:
        return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)
    if user.role not in EDITOR_ROLES:
        return error_page(
            request, 403, "You cannot do this", "Only lead partners update deliverables."
        )
    return None


def _validate(status: str, reason: str) -> FieldErrors:
    errors = FieldErrors()
    if status not in dict(STATUSES):
        errors.add("status", "Select the deliverable's new status")
    if not reason.strip():
        errors.add("reason", "Say why the status is changing")
    elif len(reason) > REASON_LIMIT:
        errors.add("reason", f"The reason must be {REASON_LIMIT} characters or fewer")
    return errors


@router.get("/my-deliverables", response_class=HTMLResponse)
async def my_deliverables(
    request: Request, caller: Annotated[Caller, Depends(caller_of)], updated: int | None = None
) -> Response:
    if (refusal := _editor_or_redirect(request)) is not None:
        return refusal
    user = session_of(request).user
    organisation = user.organisation if user and user.role == "partner_editor" else None
    items = await deliverables_led_by(caller, organisation)
    context = {"items": items, "updated": updated, "nav": "mine"}
    return render(request, "my_deliverables.html", context)


@router.get("/my-deliverables/{number}", response_class=HTMLResponse)
async def update_form(
    request: Request, number: int, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    if (refusal := _editor_or_redirect(request)) is not None:
        return refusal
    deliverable = await load_deliverable(caller, number)
    if deliverable is None:
        return error_page(request, 404, "Page not found", f"There is no deliverable {number}.")
    return _form(request, deliverable, FieldErrors(), "", "")


def _form(
    request: Request, d: Deliverable, errors: FieldErrors, status: str, reason: str
) -> HTMLResponse:
    context = {
        "d": d, "errors": errors, "status": status, "reason": reason, "statuses": STATUSES,
        "title": f"Update deliverable {d.number}", "nav": "mine",
    }  # fmt: skip
    return render(request, "update_deliverable.html", context, 422 if errors else 200)


@router.post("/my-deliverables/{number}", dependencies=[Depends(require_csrf)])
async def update_status(
    request: Request,
    number: int,
    caller: Annotated[Caller, Depends(caller_of)],
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    if (refusal := _editor_or_redirect(request)) is not None:
        return refusal
    errors = _validate(status, reason)
    if not errors:
        try:
            await caller.run(UPDATE_STATUS, {"number": number, "status": status, "reason": reason})
            return RedirectResponse(f"/my-deliverables?updated={number}", status_code=303)
        except GatewayUnavailable:
            raise
        except GatewayError as exc:
            if exc.code != "BAD_USER_INPUT":
                raise
            errors.add(exc.field if exc.field in ("status", "reason") else "status", exc.message)
    deliverable = await load_deliverable(caller, number)
    if deliverable is None:
        return error_page(request, 404, "Page not found", f"There is no deliverable {number}.")
    return _form(request, deliverable, errors, status, reason)
