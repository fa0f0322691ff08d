"""Reporting rounds: list, open, submit a deliverable's update, review, publish."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.deliverables.adapters.history_queries import review_round, round_out
from services.deliverables.adapters.tables import ReportingRound
from services.deliverables.domain.permissions import ensure_coordinator
from services.deliverables.entrypoints.http.dependencies import (
    event_context,
    get_engine,
    unit_of_work,
)
from services.deliverables.events import EventContext
from services.deliverables.schemas import DeliverableOut
from services.deliverables.schemas_history import (
    OpenRoundRequest,
    RoundOut,
    RoundReview,
    SubmitUpdateRequest,
)
from services.deliverables.use_cases.rounds import get_round, open_new_round, publish_round
from services.deliverables.use_cases.submit_update import submit_update
from shared.http import require_identity
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/rounds")


@router.get("")
def list_rounds(engine: Engine = Depends(get_engine)) -> list[RoundOut]:
    with Session(engine) as session:
        rounds = session.exec(select(ReportingRound).order_by(col(ReportingRound.number))).all()
        return [round_out(item) for item in rounds]


@router.post("", status_code=201)
def open_round(
    body: OpenRoundRequest,
    identity: Identity = Depends(require_identity),
    uow: UnitOfWork = Depends(unit_of_work),
) -> RoundOut:
    return open_new_round(
        uow, name=body.name, period_covered=body.period_covered, identity=identity
    )


@router.get("/{number}")
def one_round(number: int, engine: Engine = Depends(get_engine)) -> RoundOut:
    with Session(engine) as session:
        return round_out(get_round(session, number))


@router.get("/{number}/review")
def review(
    number: int,
    identity: Identity = Depends(require_identity),
    engine: Engine = Depends(get_engine),
) -> RoundReview:
    ensure_coordinator(identity)
    with Session(engine) as session:
        return review_round(session, get_round(session, number))


@router.put("/{number}/deliverables/{deliverable}")
def submit(
    number: int,
    deliverable: int,
    body: SubmitUpdateRequest,
    identity: Identity = Depends(require_identity),
    context: EventContext = Depends(event_context),
    uow: UnitOfWork = Depends(unit_of_work),
) -> DeliverableOut:
    return submit_update(
        uow,
        round_number=number,
        number=deliverable,
        update=body,
        identity=identity,
        context=context,
    )


@router.post("/{number}/publish")
def publish(
    number: int,
    identity: Identity = Depends(require_identity),
    context: EventContext = Depends(event_context),
    uow: UnitOfWork = Depends(unit_of_work),
) -> RoundOut:
    return publish_round(uow, number=number, identity=identity, context=context)
