"""A directory entry's public page, *Suggest a correction* (anyone) and the keepers' inbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web.adapters.caller import Caller, caller_of
from services.web.adapters.gateway import GatewayError
from services.web.entrypoints.http.directory_forms import LABELS
from services.web.entrypoints.http.forms import FieldErrors, require_csrf
from services.web.entrypoints.http.keeping import KEEPERS, keeper_or_refusal
from services.web.entrypoints.http.manage_services import NOTICES
from services.web.entrypoints.http.pages import error_page, render
from services.web.entrypoints.http.session import session_of
from services.web.use_cases.directory_data import (
    FRESHNESS_TAGS,
    RESOLVE,
    SUGGEST,
    Entry,
    load_entry,
    load_suggestions,
)

router = APIRouter()
MESSAGE_LIMIT = 5000
SUGGESTABLE = ["name", "description", "eligibility", "contact_email", "phone", "url",
               "suitable_for", "assessment_process", "courts", "local_authorities"]  # fmt: skip


@router.get("/services/{service_id}", response_class=HTMLResponse)
async def service_page(
    request: Request,
    service_id: str,
    caller: Annotated[Caller, Depends(caller_of)],
    done: str | None = None,
) -> Response:
    entry, choices = await load_entry(caller, service_id)
    if entry is None:
        return error_page(request, 404, "Page not found", "There is no such service.")
    user = session_of(request).user
    notice = NOTICES.get(done or "") or (
        "Thank you: your suggestion has been sent to the people who keep this entry."
        if done == "suggested" else None
    )  # fmt: skip
    context = {
        "s": entry, "choices": choices, "tags": FRESHNESS_TAGS, "notice": notice,
        "may_keep": user is not None and user.role in KEEPERS, "nav": "find", "title": entry.name,
    }  # fmt: skip
    return render(request, "service.html", context)


def _suggest_form(
    request: Request, entry: Entry, *, errors: FieldErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    options = [(name, LABELS.get(name, name.replace("_", " ").capitalize()))
               for name in SUGGESTABLE]  # fmt: skip
    context = {
        "s": entry, "errors": errors or FieldErrors(), "values": values or {},
        "options": options, "nav": "find", "title": "Suggest a correction",
    }  # fmt: skip
    return render(request, "suggest.html", context, 422 if errors else 200)


@router.get("/services/{service_id}/suggest", response_class=HTMLResponse)
async def suggest_page(
    request: Request, service_id: str, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    entry, _choices = await load_entry(caller, service_id)
    if entry is None:
        return error_page(request, 404, "Page not found", "There is no such service.")
    return _suggest_form(request, entry)


@router.post("/services/{service_id}/suggest", dependencies=[Depends(require_csrf)])
async def suggest(
    request: Request,
    service_id: str,
    caller: Annotated[Caller, Depends(caller_of)],
    message: Annotated[str, Form()] = "",
    field: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    website: Annotated[str, Form()] = "",
) -> Response:
    values = {"message": message, "field": field, "name": name, "email": email}
    errors = FieldErrors()
    if len(message.strip()) < 3:
        errors.add("message", "Say what is wrong and what it should say")
    elif len(message) > MESSAGE_LIMIT:
        errors.add("message", f"The message must be {MESSAGE_LIMIT} characters or fewer")
    if not errors:
        given = {"message": message.strip(), "field": field or None, "name": name or None,
                 "email": email or None, "website": website or None}  # fmt: skip
        try:
            await caller.run(SUGGEST, {"id": service_id, "input": given})
            return RedirectResponse(f"/services/{service_id}?done=suggested", status_code=303)
        except GatewayError as exc:
            if exc.code not in ("BAD_USER_INPUT", "RATE_LIMITED"):
                raise
            errors.add("message", exc.message)
    entry, _choices = await load_entry(caller, service_id)
    if entry is None:
        return error_page(request, 404, "Page not found", "There is no such service.")
    return _suggest_form(request, entry, errors=errors, values=values)


@router.get("/suggestions", response_class=HTMLResponse)
async def inbox(
    request: Request, caller: Annotated[Caller, Depends(caller_of)], resolved: int = 0
) -> Response:
    if (refusal := keeper_or_refusal(request)) is not None:
        return refusal
    context = {
        "suggestions": await load_suggestions(caller), "resolved": resolved, "labels": LABELS,
        "nav": "suggestions", "title": "Suggested corrections",
    }  # fmt: skip
    return render(request, "suggestions.html", context)


@router.post("/suggestions/{suggestion_id}/resolve", dependencies=[Depends(require_csrf)])
async def resolve(
    request: Request, suggestion_id: str, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    if (refusal := keeper_or_refusal(request)) is not None:
        return refusal
    await caller.run(RESOLVE, {"id": suggestion_id})
    return RedirectResponse("/suggestions?resolved=1", status_code=303)
