"""Update my deliverables: in the open round a lead partner sends a status, an update narrative
and perhaps a revised timescale; with no round open, a status change with its reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web.adapters.caller import Caller, caller_of
from services.web.adapters.gateway import GatewayError, GatewayUnavailable
from services.web.adapters.gateway_models import Deliverable
from services.web.entrypoints.http.forms import FieldErrors, require_csrf
from services.web.entrypoints.http.pages import error_page, render
from services.web.entrypoints.http.session import session_of
from services.web.use_cases.planning import STATUSES, deliverables_led_by
from services.web.use_cases.reporting import ReportingRound
from services.web.use_cases.updating import (
    FORM_FIELDS,
    RoundUpdate,
    load_form_data,
    load_open_round,
    submit_update,
    validate_update,
)

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
    open_round = await load_open_round(caller)
    context = {"items": items, "open_round": open_round, "updated": updated, "nav": "mine"}
    return render(request, "my_deliverables.html", context)


@router.get("/my-deliverables/{number}", response_class=HTMLResponse)
async def update_form(
    request: Request, number: int, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    if (refusal := _editor_or_redirect(request)) is not None:
        return refusal
    deliverable, open_round = await load_form_data(caller, number)
    if deliverable is None:
        return error_page(request, 404, "Page not found", f"There is no deliverable {number}.")
    return _form(request, deliverable, open_round, FieldErrors(), {})


def _form(
    request: Request,
    d: Deliverable,
    open_round: ReportingRound | None,
    errors: FieldErrors,
    values: dict[str, str],
) -> HTMLResponse:
    context = {
        "d": d, "open_round": open_round, "errors": errors, "values": values,
        "statuses": STATUSES, "title": f"Update deliverable {d.number}", "nav": "mine",
    }  # fmt: skip
    return render(request, "update_deliverable.html", context, 422 if errors else 200)


def _add_gateway_error(errors: FieldErrors, exc: GatewayError, fields: dict[str, str]) -> None:
    """A refusal the gateway explains goes next to its field; anything else is a page."""
    if isinstance(exc, GatewayUnavailable) or exc.code != "BAD_USER_INPUT":
        raise exc
    errors.add(fields.get(exc.field or "", "status"), exc.message)


async def _send(
    caller: Caller, number: int, round_number: int | None, values: dict[str, str]
) -> FieldErrors:
    errors = FieldErrors()
    try:
        if round_number is None:
            variables = {"number": number, "status": values["status"], "reason": values["reason"]}
            await caller.run(UPDATE_STATUS, variables)
        else:
            await submit_update(caller, round_number, number, RoundUpdate(**values))
    except GatewayError as exc:
        _add_gateway_error(errors, exc, FORM_FIELDS)
    return errors


@router.post("/my-deliverables/{number}", dependencies=[Depends(require_csrf)])
async def update_deliverable(
    request: Request,
    number: int,
    caller: Annotated[Caller, Depends(caller_of)],
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    narrative: Annotated[str, Form()] = "",
    new_timescale: Annotated[str, Form()] = "",
) -> Response:
    if (refusal := _editor_or_redirect(request)) is not None:
        return refusal
    deliverable, open_round = await load_form_data(caller, number)
    if deliverable is None:
        return error_page(request, 404, "Page not found", f"There is no deliverable {number}.")
    values = {"status": status, "reason": reason.strip()}
    if open_round is None:
        errors = _validate(status, reason)
    else:
        values |= {"narrative": narrative.strip(), "new_timescale": new_timescale.strip()}
        errors = validate_update(RoundUpdate(**values), deliverable)
    if not errors:
        round_number = open_round.number if open_round else None
        errors = await _send(caller, number, round_number, values)
        if not errors:
            return RedirectResponse(f"/my-deliverables?updated={number}", status_code=303)
    return _form(request, deliverable, open_round, errors, values)
