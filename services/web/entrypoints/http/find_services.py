"""Find local services: the search form, its results and a print view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.web.adapters.caller import Caller, caller_of
from services.web.entrypoints.http.pages import render
from services.web.use_cases.finding import ServiceSearch, find_services, find_services_to_print

router = APIRouter()


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/find-services", status_code=302)


@router.get("/find-services", response_class=HTMLResponse)
async def search_page(
    request: Request,
    search: Annotated[ServiceSearch, Query()],
    caller: Annotated[Caller, Depends(caller_of)],
) -> HTMLResponse:
    page = await find_services(caller, search)
    return render(request, "find_services.html", {"page": page, "nav": "find"})


@router.get("/find-services/print", response_class=HTMLResponse)
async def print_page(
    request: Request,
    search: Annotated[ServiceSearch, Query()],
    caller: Annotated[Caller, Depends(caller_of)],
) -> HTMLResponse:
    page = await find_services_to_print(caller, search)
    return render(request, "find_services_print.html", {"page": page})
