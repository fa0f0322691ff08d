"""Manage services (directory editors, coordinators): their entries with freshness, add, edit
with a preview of the changes, withdraw with a reason, mark reviewed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web.adapters.caller import Caller, caller_of
from services.web.adapters.gateway import GatewayError
from services.web.entrypoints.http.directory_forms import (
    ALL_FIELDS,
    STATUSES,
    Values,
    change_list,
    changed_input,
    check,
    gateway_input,
    values_of_entry,
    values_of_form,
)
from services.web.entrypoints.http.forms import FieldErrors, require_csrf
from services.web.entrypoints.http.keeping import keeper, keeper_or_refusal
from services.web.entrypoints.http.pages import error_page, render
from services.web.use_cases.directory_data import (
    CREATE_SERVICE,
    FRESHNESS_TAGS,
    MANAGE_PAGE,
    MARK_REVIEWED,
    UPDATE_SERVICE,
    WITHDRAW_SERVICE,
    Choices,
    load_choices,
    load_entry,
)

router = APIRouter()
NOTICES = {
    "added": "The service has been added.",
    "saved": "Your changes have been saved.",
    "reviewed": "The service has been marked as reviewed.",
    "withdrawn": "The service has been withdrawn.",
}


@router.get("/manage-services", response_class=HTMLResponse)
async def manage_page(
    request: Request, caller: Annotated[Caller, Depends(caller_of)], done: str | None = None
) -> Response:
    if (refusal := keeper_or_refusal(request)) is not None:
        return refusal
    user = keeper(request)
    area = user.local_authority if user.role == "directory_editor" else None
    data = await caller.run(MANAGE_PAGE, {"filter": {"localAuthority": area} if area else None})
    queue = {row["id"] for row in data.get("reviewQueue") or []}
    entries = sorted(
        data["services"]["nodes"], key=lambda s: (s["id"] not in queue, s["name"].casefold())
    )
    context = {
        "entries": entries, "queue": queue, "tags": FRESHNESS_TAGS,
        "notice": NOTICES.get(done or ""), "nav": "manage", "title": "Manage services",
    }  # fmt: skip
    return render(request, "manage_services.html", context)


def _form_page(
    request: Request, *, choices: Choices, values: Values, errors: FieldErrors | None = None,
    entry_id: str | None = None,
) -> HTMLResponse:  # fmt: skip
    title = "Change a service" if entry_id else "Add a service"
    context = {
        "choices": choices, "values": values, "errors": errors or FieldErrors(),
        "fields": ALL_FIELDS, "statuses": STATUSES, "entry_id": entry_id, "nav": "manage",
        "title": title,
    }  # fmt: skip
    return render(request, "service_form.html", context, 422 if errors else 200)


def _gateway_refusal(errors: FieldErrors, exc: GatewayError) -> None:
    if exc.code not in ("BAD_USER_INPUT", "CONFLICT"):
        raise exc
    field = (exc.field or "name").split(".")[-1]
    errors.add(field if field in {f.name for f in ALL_FIELDS} else "name", exc.message)


@router.get("/manage-services/new", response_class=HTMLResponse)
async def new_page(request: Request, caller: Annotated[Caller, Depends(caller_of)]) -> Response:
    if (refusal := keeper_or_refusal(request)) is not None:
        return refusal
    user = keeper(request)
    areas = [user.local_authority] if user.local_authority else []
    values: Values = {f.name: "" for f in ALL_FIELDS} | {"status": "active"}
    values |= {"local_authorities": areas, "service_types": [], "client_groups": [],
               "referral_routes": [], "organisation_name": ""}  # fmt: skip
    return _form_page(request, choices=await load_choices(caller), values=values)


@router.post("/manage-services/new", dependencies=[Depends(require_csrf)])
async def add_service(request: Request, caller: Annotated[Caller, Depends(caller_of)]) -> Response:
    if (refusal := keeper_or_refusal(request)) is not None:
        return refusal
    values = values_of_form(await request.form())
    errors = check(values, creating=True)
    if not errors:
        given = gateway_input(values) | {"organisationName": values["organisation_name"]}
        try:
            made = await caller.run(CREATE_SERVICE, {"input": given})
            return RedirectResponse(f"/services/{made['createService']['id']}?done=added", 303)
        except GatewayError as exc:
            _gateway_refusal(errors, exc)
    return _form_page(request, choices=await load_choices(caller), values=values, errors=errors)


@router.get("/manage-services/{service_id}/edit", response_class=HTMLResponse)
async def edit_page(
    request: Request, service_id: str, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    if (refusal := keeper_or_refusal(request)) is not None:
        return refusal
    entry, choices = await load_entry(caller, service_id)
    if entry is None:
        return error_page(request, 404, "Page not found", "There is no such service.")
    values = values_of_entry(entry)
    return _form_page(request, choices=choices, values=values, entry_id=service_id)


@router.post("/manage-services/{service_id}/edit", dependencies=[Depends(require_csrf)])
async def preview_or_save(
    request: Request,
    service_id: str,
    caller: Annotated[Caller, Depends(caller_of)],
    step: Annotated[str, Form()] = "preview",
) -> Response:
    """``preview`` shows what would change; ``save`` sends it; ``back`` returns to the form."""
    if (refusal := keeper_or_refusal(request)) is not None:
        return refusal
    entry, choices = await load_entry(caller, service_id)
    if entry is None:
        return error_page(request, 404, "Page not found", "There is no such service.")
    values, before = values_of_form(await request.form()), values_of_entry(entry)
    errors = check(values, creating=False)
    if step == "back" or errors:
        return _form_page(request, choices=choices, values=values, errors=errors or None,
                          entry_id=service_id)  # fmt: skip
    if step == "save":
        return await _save(request, caller, service_id, choices, before, values)
    kinds = ("local_authorities", "service_types", "client_groups", "referral_routes")
    names = {kind: choices.names(kind) for kind in kinds}
    context: dict[str, Any] = {
        "entry": entry, "changes": change_list(before, values, names), "values": values,
        "fields": ALL_FIELDS, "nav": "manage", "title": "Check your changes",
    }  # fmt: skip
    return render(request, "service_preview.html", context)


async def _save(
    request: Request, caller: Caller, service_id: str, choices: Choices, before: Values,
    values: Values,
) -> Response:  # fmt: skip
    changes = changed_input(before, values)
    if not changes:
        return RedirectResponse(f"/services/{service_id}", status_code=303)
    errors = FieldErrors()
    try:
        await caller.run(UPDATE_SERVICE, {"id": service_id, "input": changes})
        return RedirectResponse(f"/services/{service_id}?done=saved", status_code=303)
    except GatewayError as exc:
        _gateway_refusal(errors, exc)
    return _form_page(request, choices=choices, values=values, errors=errors, entry_id=service_id)


@router.get("/manage-services/{service_id}/withdraw", response_class=HTMLResponse)
async def withdraw_page(
    request: Request, service_id: str, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    if (refusal := keeper_or_refusal(request)) is not None:
        return refusal
    entry, _choices = await load_entry(caller, service_id)
    if entry is None:
        return error_page(request, 404, "Page not found", "There is no such service.")
    context = {"entry": entry, "errors": FieldErrors(), "nav": "manage",
               "title": f"Withdraw {entry.name}"}  # fmt: skip
    return render(request, "service_withdraw.html", context)


@router.post("/manage-services/{service_id}/withdraw", dependencies=[Depends(require_csrf)])
async def withdraw(
    request: Request,
    service_id: str,
    caller: Annotated[Caller, Depends(caller_of)],
    reason: Annotated[str, Form()] = "",
) -> Response:
    if (refusal := keeper_or_refusal(request)) is not None:
        return refusal
    errors = FieldErrors()
    if not reason.strip():
        errors.add("reason", "Say why the service is being withdrawn")
    else:
        try:
            await caller.run(WITHDRAW_SERVICE, {"id": service_id, "reason": reason.strip()})
            return RedirectResponse("/manage-services?done=withdrawn", status_code=303)
        except GatewayError as exc:
            _gateway_refusal(errors, exc)
            errors.messages = {"reason": errors.messages.popitem()[1]}
    entry, _choices = await load_entry(caller, service_id)
    if entry is None:
        return error_page(request, 404, "Page not found", "There is no such service.")
    context = {"entry": entry, "errors": errors, "reason": reason, "nav": "manage",
               "title": f"Withdraw {entry.name}"}  # fmt: skip
    return render(request, "service_withdraw.html", context, 422)


@router.post("/manage-services/{service_id}/review", dependencies=[Depends(require_csrf)])
async def mark_reviewed(
    request: Request, service_id: str, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    if (refusal := keeper_or_refusal(request)) is not None:
        return refusal
    await caller.run(MARK_REVIEWED, {"id": service_id})
    return RedirectResponse("/manage-services?done=reviewed", status_code=303)
