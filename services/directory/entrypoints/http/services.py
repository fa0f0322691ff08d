"""Internal JSON API for directory entries (docs/contracts.md, "Directory service HTTP API")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from sqlmodel import Session

from services.directory.adapters.geography.distance import MAX_WITHIN_MILES, Near
from services.directory.adapters.geography.places import resolve_near
from services.directory.adapters.read_model import stored_views
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.run import search_services
from services.directory.entrypoints.http.dependencies import (
    correlation_id,
    get_engine,
    unit_of_work,
)
from services.directory.schemas import (
    ServiceCreate,
    ServiceList,
    ServiceOut,
    ServicePatch,
    WithdrawRequest,
)
from services.directory.use_cases.create_service import create_service
from services.directory.use_cases.update_service import load_service, update_service
from services.directory.use_cases.withdraw_service import withdraw_service
from shared.errors import BadUserInput
from shared.http import require_identity
from shared.identity import Identity
from shared.page_cache import cache_key
from shared.unit_of_work import UnitOfWork

router = APIRouter(tags=["services"])
MAX_BATCH = 500
# Searches that depend on the time of day, or on the postcode table (loaded outside the read
# model), are never kept by the page cache.
NOT_KEPT = ("open_now", "near_postcode")


@dataclass(frozen=True)
class NearParams:
    """Where to search around: a court, a postcode (if loaded) or a point, and how far."""

    near_court: str | None = Query(default=None, max_length=100)
    near_postcode: str | None = Query(default=None, max_length=10)
    latitude: float | None = Query(default=None, ge=-90, le=90)
    longitude: float | None = Query(default=None, ge=-180, le=180)
    within_miles: float | None = Query(default=None, gt=0, le=MAX_WITHIN_MILES)

    def resolve(self, session: Session) -> Near | None:
        return resolve_near(
            session, court=self.near_court, postcode=self.near_postcode, latitude=self.latitude,
            longitude=self.longitude, within_miles=self.within_miles,
        )  # fmt: skip


@router.get("/services", response_model=ServiceList)
def get_services(
    request: Request,
    engine: Engine = Depends(get_engine),
    local_authority: str | None = None,
    service_type: str | None = None,
    q: str | None = Query(default=None, max_length=200),
    court: str | None = None,
    client_group: str | None = None,
    referral_route: str | None = None,
    age: int | None = Query(default=None, ge=0, le=120),
    open_now: bool = False,
    include_withdrawn: bool = False,
    modified_after: datetime | None = None,
    facets: bool = False,
    limit: int = Query(default=20, ge=1, le=200),
    offset: int = Query(default=0, ge=0),
    near: NearParams = Depends(),
) -> Response:
    """Search; near a place, nearest first with ``distance_miles`` on each item.

    Items come from the read model as stored JSON, so nothing is validated again on the way out
    (``response_model`` still documents the shape); a repeated search is answered from this
    process's page cache until any write raises the read model's version.
    """
    with Session(engine) as session:

        def compute() -> bytes:
            criteria = SearchCriteria(
                text=q, local_authority=local_authority, service_type=service_type, court=court,
                client_group=client_group, referral_route=referral_route, age=age,
                open_now=open_now, include_withdrawn=include_withdrawn,
                modified_after=modified_after, with_facets=facets, limit=limit, offset=offset,
                near=near.resolve(session),
            )  # fmt: skip
            return _search_page(session, criteria)

        key = cache_key(list(request.query_params.multi_items()), uncacheable=NOT_KEPT)
        body = request.app.state.page_cache.answer(session, key, compute)
    return Response(body, media_type="application/json")


def _search_page(session: Session, criteria: SearchCriteria) -> bytes:
    result = search_services(session, criteria)
    items = stored_views(session, result.ids)
    for item in items:
        distance = result.distances.get(item["id"])
        item["distance_miles"] = round(distance, 2) if distance is not None else None
    counted = {name: [c.model_dump() for c in counts] for name, counts in result.facets.items()}
    page = {
        "items": items, "total": result.total, "facets": counted,
        "corrected_query": result.corrected_query,
    }  # fmt: skip
    return bytes(JSONResponse(page).body)


@router.get("/services/by-ids", response_model=list[ServiceOut])
def get_services_by_ids(
    ids: str = Query(min_length=1, max_length=40_000), engine: Engine = Depends(get_engine)
) -> JSONResponse:
    """The services named in ``ids`` (comma-separated), in that order; unknown ids are left out."""
    wanted = list(dict.fromkeys(part.strip() for part in ids.split(",") if part.strip()))
    if len(wanted) > MAX_BATCH:
        raise BadUserInput(f"Ask for at most {MAX_BATCH} services at once.", field="ids")
    with Session(engine) as session:
        return JSONResponse(stored_views(session, wanted))


@router.get("/services/{service_id}", response_model=ServiceOut)
def get_service(service_id: str, engine: Engine = Depends(get_engine)) -> JSONResponse:
    with Session(engine) as session:
        load_service(session, service_id)
        return JSONResponse(stored_views(session, [service_id])[0])


@router.post("/services", response_model=ServiceOut, status_code=201)
def post_service(
    body: ServiceCreate,
    request: Request,
    identity: Identity = Depends(require_identity),
    uow: UnitOfWork = Depends(unit_of_work),
) -> ServiceOut:
    return create_service(uow, body, identity=identity, correlation_id=correlation_id(request))


@router.patch("/services/{service_id}", response_model=ServiceOut)
def patch_service(
    service_id: str,
    body: ServicePatch,
    request: Request,
    identity: Identity = Depends(require_identity),
    uow: UnitOfWork = Depends(unit_of_work),
) -> ServiceOut:
    return update_service(
        uow, service_id, body, identity=identity, correlation_id=correlation_id(request)
    )


@router.post("/services/{service_id}/withdraw", response_model=ServiceOut)
def post_withdraw(
    service_id: str,
    body: WithdrawRequest,
    request: Request,
    identity: Identity = Depends(require_identity),
    uow: UnitOfWork = Depends(unit_of_work),
) -> ServiceOut:
    return withdraw_service(
        uow, service_id, body.reason, identity=identity, correlation_id=correlation_id(request)
    )
