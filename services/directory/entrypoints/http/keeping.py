"""Keeping entries current: reviews, suggested corrections and the change history."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy import Engine

from services.directory.adapters.open_data.hsds_input import HsdsDocument
from services.directory.adapters.open_data.importer import ImportSummary, import_directory
from services.directory.entrypoints.http.dependencies import (
    correlation_id,
    get_engine,
    unit_of_work,
)
from services.directory.schemas import ChangeOut, ServiceOut, SuggestionCreate, SuggestionOut
from services.directory.use_cases.read_history import read_history
from services.directory.use_cases.review import (
    request_due_reviews,
    review_queue,
    review_service,
)
from services.directory.use_cases.suggest_correction import (
    list_suggestions,
    resolve_suggestion,
    suggest_correction,
)
from shared.errors import Forbidden
from shared.http import require_identity
from shared.identity import Identity, Role
from shared.unit_of_work import UnitOfWork

router = APIRouter(tags=["keeping it current"])


class ReviewRequest(BaseModel):
    note: str | None = None


class ReviewsRequested(BaseModel):
    requested: int


@router.post("/import/hsds", response_model=ImportSummary)
def post_import(
    body: HsdsDocument,
    request: Request,
    identity: Identity = Depends(require_identity),
    uow: UnitOfWork = Depends(unit_of_work),
) -> ImportSummary:
    """Create or update entries from HSDS JSON (e.g. another directory's ``/open/export``)."""
    return import_directory(uow, body, identity=identity, correlation_id=correlation_id(request))


@router.post("/services/{service_id}/review", response_model=ServiceOut)
def post_review(
    service_id: str,
    body: ReviewRequest | None = None,
    identity: Identity = Depends(require_identity),
    uow: UnitOfWork = Depends(unit_of_work),
) -> ServiceOut:
    return review_service(uow, service_id, identity=identity, note=body.note if body else None)


@router.post("/reviews/requests", response_model=ReviewsRequested)
def post_review_requests(
    identity: Identity = Depends(require_identity),
    uow: UnitOfWork = Depends(unit_of_work),
) -> ReviewsRequested:
    """Ask now (rather than at the next hourly check) for reviews of every stale entry."""
    if identity.role != Role.COORDINATOR:
        raise Forbidden("Only a coordinator may start the review round.")
    return ReviewsRequested(requested=request_due_reviews(uow))


@router.get("/reviews/queue", response_model=list[ServiceOut])
def get_review_queue(
    identity: Identity = Depends(require_identity), engine: Engine = Depends(get_engine)
) -> list[ServiceOut]:
    """The caller's entries that are stale or due for review within 30 days, most overdue first."""
    return review_queue(engine, identity=identity)


@router.get("/services/{service_id}/history", response_model=list[ChangeOut])
def get_history(
    service_id: str,
    _identity: Identity = Depends(require_identity),
    engine: Engine = Depends(get_engine),
) -> list[ChangeOut]:
    return read_history(engine, service_id)


@router.post("/services/{service_id}/suggestions", response_model=SuggestionOut, status_code=201)
def post_suggestion(
    service_id: str,
    body: SuggestionCreate,
    request: Request,
    uow: UnitOfWork = Depends(unit_of_work),
) -> SuggestionOut:
    return suggest_correction(uow, service_id, body, correlation_id=correlation_id(request))


@router.get("/suggestions", response_model=list[SuggestionOut])
def get_suggestions(
    status: str = "open",
    identity: Identity = Depends(require_identity),
    engine: Engine = Depends(get_engine),
) -> list[SuggestionOut]:
    return list_suggestions(engine, identity=identity, status=status)


@router.post("/suggestions/{suggestion_id}/resolve", response_model=SuggestionOut)
def post_resolve(
    suggestion_id: str,
    identity: Identity = Depends(require_identity),
    uow: UnitOfWork = Depends(unit_of_work),
) -> SuggestionOut:
    return resolve_suggestion(uow, suggestion_id, identity=identity)
