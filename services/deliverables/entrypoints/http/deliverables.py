"""Deliverables: list with filters, one by number, status changes."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Engine
from sqlmodel import Session

from services.deliverables.adapters.queries import find_deliverables, get_deliverable, present
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
from shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/deliverables")


@router.get("")
def list_deliverables(
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
) -> DeliverablePage:
    where = DeliverableFilter(
        status=status,
        aim=aim,
        priority_action=priority_action,
        lead_partner=lead_partner,
        collaborator=collaborator,
        numbers=parse_numbers(numbers),
        q=q,
        overdue=overdue,
        due_before=due_before,
    )
    with Session(engine) as session:
        rows, total = find_deliverables(session, where, limit=limit, offset=offset)
        return DeliverablePage(items=present(session, rows), total=total)


@router.post("", status_code=201)
def post_deliverable(
    body: NewDeliverableRequest,
    identity: Identity = Depends(require_identity),
    context: EventContext = Depends(event_context),
    uow: UnitOfWork = Depends(unit_of_work),
) -> DeliverableOut:
    return add_deliverable(uow, request=body, identity=identity, context=context)


@router.get("/{number}")
def one_deliverable(number: int, engine: Engine = Depends(get_engine)) -> DeliverableOut:
    with Session(engine) as session:
        return present(session, [get_deliverable(session, number)])[0]


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
