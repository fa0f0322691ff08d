"""Deliverables: list with filters, one by number, status changes."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import Engine
from sqlmodel import Session

from services.deliverables.adapters.queries import list_conditions
from services.deliverables.adapters.read_model import page_of_views, view_of
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.entrypoints.http.dependencies import (
    event_context,
    get_engine,
    parse_numbers,
    unit_of_work,
)
from services.deliverables.events import EventContext
from services.deliverables.schemas import (
    DeliverableFilter,
    DeliverableOut,
    DeliverablePage,
    StatusChangeRequest,
)
from services.deliverables.schemas_history import NewDeliverableRequest
from services.deliverables.use_cases.add_deliverable import add_deliverable
from services.deliverables.use_cases.change_status import change_status
from shared.http import require_identity
from shared.identity import Identity
from shared.page_cache import cache_key
from shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/deliverables")


@router.get("", response_model=DeliverablePage)
def list_deliverables(
    request: Request,
    engine: Engine = Depends(get_engine),
    status: DeliverableStatus | None = None,
    aim: int | None = None,
    priority_action: int | None = None,
    lead_partner: str | None = None,
    collaborator: str | None = None,
    numbers: str | None = None,
    q: str | None = None,
    overdue: bool | None = None,
    due_before: date | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> Response:
    """A page of deliverables in number order, from the read model as stored JSON.

    Nothing is validated again on the way out (``response_model`` documents the shape). The
    answer is the same for every caller, so this process keeps it (``shared.page_cache``) until
    a write raises the read model's version.
    """
    where = DeliverableFilter(
        status=status, aim=aim, priority_action=priority_action, lead_partner=lead_partner,
        collaborator=collaborator, numbers=parse_numbers(numbers), q=q, overdue=overdue,
        due_before=due_before,
    )  # fmt: skip
    with Session(engine) as session:

        def compute() -> bytes:
            conditions = list_conditions(session, where)
            return page_of_views(session, conditions, limit=limit, offset=offset)

        key = cache_key(list(request.query_params.multi_items()), prefix="list?")
        body = request.app.state.page_cache.answer(session, key, compute)
    return Response(body, media_type="application/json")


@router.post("", status_code=201)
def post_deliverable(
    body: NewDeliverableRequest,
    identity: Identity = Depends(require_identity),
    context: EventContext = Depends(event_context),
    uow: UnitOfWork = Depends(unit_of_work),
) -> DeliverableOut:
    return add_deliverable(uow, request=body, identity=identity, context=context)


@router.get("/{number}", response_model=DeliverableOut)
def one_deliverable(number: int, engine: Engine = Depends(get_engine)) -> Response:
    with Session(engine) as session:
        return Response(view_of(session, number), media_type="application/json")


@router.post("/{number}/status")
def post_status(
    number: int,
    body: StatusChangeRequest,
    identity: Identity = Depends(require_identity),
    context: EventContext = Depends(event_context),
    uow: UnitOfWork = Depends(unit_of_work),
) -> DeliverableOut:
    return change_status(
        uow,
        number=number,
        status=body.status,
        reason=body.reason,
        identity=identity,
        context=context,
    )
