"""The delivery plan: by aim and priority action, counts per aim, overdue, one deliverable."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from services.web.adapters.caller import Caller, caller_of
from services.web.entrypoints.http.pages import error_page, render
from services.web.use_cases.planning import STATUSES, load_deliverable_history, load_plan

router = APIRouter()


@router.get("/plan", response_class=HTMLResponse)
async def plan_page(
    request: Request, caller: Annotated[Caller, Depends(caller_of)]
) -> HTMLResponse:
    plan = await load_plan(caller, date.today())
    return render(request, "plan.html", {"plan": plan, "statuses": STATUSES, "nav": "plan"})


@router.get("/plan/deliverables/{number}", response_class=HTMLResponse)
async def deliverable_page(
    request: Request, number: int, caller: Annotated[Caller, Depends(caller_of)]
) -> HTMLResponse:
    deliverable, round_names = await load_deliverable_history(caller, number)
    if deliverable is None:
        return error_page(request, 404, "Page not found", f"There is no deliverable {number}.")
    context = {
        "d": deliverable, "h": deliverable.history, "round_names": round_names,
        "title": f"Deliverable {number}", "nav": "plan",
    }  # fmt: skip
    return render(request, "deliverable.html", context)
