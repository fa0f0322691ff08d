"""Reporting rounds (coordinator): review the open round, publish it, download the document,
open the next round."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.web.adapters.caller import Caller, caller_of
from services.web.adapters.gateway import GatewayError, GatewayUnavailable
from services.web.entrypoints.http.forms import FieldErrors, require_csrf
from services.web.entrypoints.http.pages import error_page, render
from services.web.entrypoints.http.session import session_of
from services.web.use_cases.reporting import (
    DOCUMENT_FORMATS,
    export_document,
    load_overview,
    load_round,
    open_round,
    publish_round,
)

router = APIRouter()
NAME_LIMIT = 200


def _coordinator_or_refusal(request: Request) -> Response | None:
    user = session_of(request).user
    if user is None:
        return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)
    if user.role != "coordinator":
        return error_page(request, 403, "You cannot do this", "Only coordinators publish rounds.")
    return None


async def _overview_page(
    request: Request,
    caller: Caller,
    *,
    errors: FieldErrors | None = None,
    values: dict[str, str] | None = None,
    opened: int | None = None,
) -> HTMLResponse:
    overview = await load_overview(caller)
    context = {
        "o": overview, "errors": errors or FieldErrors(), "values": values or {},
        "opened": opened, "formats": DOCUMENT_FORMATS, "nav": "rounds",
        "title": "Reporting rounds",
    }  # fmt: skip
    return render(request, "rounds.html", context, 422 if errors else 200)


@router.get("/rounds", response_class=HTMLResponse)
async def rounds_page(
    request: Request, caller: Annotated[Caller, Depends(caller_of)], opened: int | None = None
) -> Response:
    if (refusal := _coordinator_or_refusal(request)) is not None:
        return refusal
    return await _overview_page(request, caller, opened=opened)


def _validate_new_round(name: str, period_covered: str) -> FieldErrors:
    errors = FieldErrors()
    if not name:
        errors.add("name", "Enter the round's name, for example Update 3 - March 2025")
    elif len(name) > NAME_LIMIT:
        errors.add("name", f"The name must be {NAME_LIMIT} characters or fewer")
    if len(period_covered) > NAME_LIMIT:
        errors.add("period_covered", f"The period must be {NAME_LIMIT} characters or fewer")
    return errors


@router.post("/rounds", dependencies=[Depends(require_csrf)])
async def open_next_round(
    request: Request,
    caller: Annotated[Caller, Depends(caller_of)],
    name: Annotated[str, Form()] = "",
    period_covered: Annotated[str, Form()] = "",
) -> Response:
    if (refusal := _coordinator_or_refusal(request)) is not None:
        return refusal
    name, period_covered = name.strip(), period_covered.strip()
    errors = _validate_new_round(name, period_covered)
    if not errors:
        try:
            opened = await open_round(caller, name, period_covered or None)
            return RedirectResponse(f"/rounds?opened={opened.number}", status_code=303)
        except GatewayUnavailable:
            raise
        except GatewayError as exc:
            if exc.code not in ("CONFLICT", "BAD_USER_INPUT"):
                raise
            errors.add("period_covered" if exc.field == "periodCovered" else "name", exc.message)
    values = {"name": name, "period_covered": period_covered}
    return await _overview_page(request, caller, errors=errors, values=values)


@router.get("/rounds/{number}", response_class=HTMLResponse)
async def round_page(
    request: Request,
    number: int,
    caller: Annotated[Caller, Depends(caller_of)],
    published: int | None = None,
) -> Response:
    if (refusal := _coordinator_or_refusal(request)) is not None:
        return refusal
    found = await load_round(caller, number)
    if found is None:
        return error_page(request, 404, "Page not found", f"There is no reporting round {number}.")
    context = {
        "r": found, "published": published, "formats": DOCUMENT_FORMATS, "nav": "rounds",
        "title": found.name,
    }  # fmt: skip
    return render(request, "round.html", context)


@router.get("/rounds/{number}/publish", response_class=HTMLResponse)
async def confirm_publish(
    request: Request, number: int, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    if (refusal := _coordinator_or_refusal(request)) is not None:
        return refusal
    found = await load_round(caller, number)
    if found is None:
        return error_page(request, 404, "Page not found", f"There is no reporting round {number}.")
    if not found.is_open:
        return RedirectResponse(f"/rounds/{number}", status_code=303)
    context = {"r": found, "nav": "rounds", "title": f"Publish {found.name}?"}
    return render(request, "round_publish.html", context)


@router.post("/rounds/{number}/publish", dependencies=[Depends(require_csrf)])
async def publish(
    request: Request, number: int, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    if (refusal := _coordinator_or_refusal(request)) is not None:
        return refusal
    try:
        await publish_round(caller, number)
    except GatewayError as exc:
        if exc.code != "CONFLICT":
            raise
        return error_page(request, 409, "This round cannot be published", exc.message)
    return RedirectResponse(f"/rounds/{number}?published=1", status_code=303)


@router.get("/rounds/{number}/document.{suffix}")
async def download(
    request: Request, number: int, suffix: str, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    if (refusal := _coordinator_or_refusal(request)) is not None:
        return refusal
    if suffix not in DOCUMENT_FORMATS:
        return error_page(request, 404, "Page not found", "There is no such document format.")
    document = await export_document(caller, number, suffix)
    if document is None:
        return error_page(request, 404, "Page not found", f"Round {number} has no document.")
    filename = f"community-justice-delivery-plan-round-{number}.{suffix}"
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
    }
    return Response(document, media_type=DOCUMENT_FORMATS[suffix][1], headers=headers)
