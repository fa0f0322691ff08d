"""A deliverable's full history, timescale revisions, and the status dashboard."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import Engine
from sqlmodel import Session

from services.deliverables.adapters.history_queries import (
    deliverable_histories,
    deliverable_history,
    status_counts,
)
from services.deliverables.entrypoints.http.dependencies import (
    event_context,
    get_engine,
    parse_numbers,
    unit_of_work,
)
from services.deliverables.events import EventContext
from services.deliverables.schemas import DeliverableOut
from services.deliverables.schemas_history import (
    AimStatusCounts,
    DeliverableHistory,
    ReviseTimescaleRequest,
)
from services.deliverables.use_cases.revise_timescale import revise_timescale
from shared.errors import BadUserInput
from shared.http import require_identity
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork

router = APIRouter()
# Every deliverable of the plan fits in one batch (the plan has about 50).
MAX_HISTORIES = 500


@router.get("/deliverables/history")
def histories(
    numbers: str = Query(description="comma-separated deliverable numbers, e.g. 1,2,3"),
    engine: Engine = Depends(get_engine),
) -> list[DeliverableHistory]:
    """Several histories in one call (number order); unknown numbers are left out."""
    wanted = parse_numbers(numbers) or []
    if len(set(wanted)) > MAX_HISTORIES:
        raise BadUserInput(f"Ask for at most {MAX_HISTORIES} histories at once.", field="numbers")
    with Session(engine) as session:
        return deliverable_histories(session, wanted)


@router.get("/deliverables/{number}/history")
def history(number: int, engine: Engine = Depends(get_engine)) -> DeliverableHistory:
    with Session(engine) as session:
        return deliverable_history(session, number)


@router.post("/deliverables/{number}/timescale")
def post_timescale(
    number: int,
    body: ReviseTimescaleRequest,
    identity: Identity = Depends(require_identity),
    context: EventContext = Depends(event_context),
    uow: UnitOfWork = Depends(unit_of_work),
) -> DeliverableOut:
    return revise_timescale(
        uow,
        number=number,
        timescale=body.timescale,
        reason=body.reason,
        identity=identity,
        context=context,
    )


@router.get("/status-counts", response_model=list[AimStatusCounts])
def counts(request: Request, engine: Engine = Depends(get_engine)) -> Response:
    """The dashboard's counts, the same for every caller: kept like the list (page cache)."""
    with Session(engine) as session:
        body = request.app.state.page_cache.answer(
            session, "status-counts", lambda: orjson.dumps(status_counts(session))
        )
    return Response(body, media_type="application/json")
