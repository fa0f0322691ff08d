"""The open API's other lists: organisations, taxonomies, terms and services at locations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.directory.adapters.geography.distance import Near
from services.directory.adapters.geography.places import DEFAULT_WITHIN_MILES, resolve_near
from services.directory.adapters.open_data import listing, query
from services.directory.adapters.open_data.delivery import ndjson, wants_ndjson
from services.directory.adapters.open_data.paging import Page, PageRequest
from services.directory.adapters.search.run import matching_service_ids
from services.directory.adapters.tables import Location, ServiceAtLocation, Taxonomy, TaxonomyTerm
from services.directory.entrypoints.http.dependencies import get_engine
from services.directory.entrypoints.http.open_api import ServiceFilters
from shared.errors import NotFound

router = APIRouter(prefix="/open", tags=["open data (HSDS 3.0)"])


def _answer(
    fetch: Callable[[PageRequest], Page],
    page: int | None,
    per_page: int | None,
    format_: str | None,
) -> Page | StreamingResponse:
    if wants_ndjson(format_):
        return ndjson(fetch)
    return fetch(query.clamped_page(page, per_page))


@router.get("/organizations", response_model=Page)
def open_organizations(
    search: str | None = None, full: bool = False, full_service: bool = False,
    page: int | None = None, per_page: int | None = None, format: str | None = None,
    engine: Engine = Depends(get_engine),
) -> Page | StreamingResponse:  # fmt: skip
    """``full`` nests each organisation's services; ``full_service`` nests them fully."""
    services = "full" if full_service else ("brief" if full else None)

    def fetch(paging: PageRequest) -> Page:
        with Session(engine) as session:
            text = query.search_text(search)
            return listing.organizations(session, text, paging, services=services)

    return _answer(fetch, page, per_page, format)


@router.get("/organizations/{organization_id}")
def open_organization(
    organization_id: str, full_service: bool = False, engine: Engine = Depends(get_engine)
) -> dict[str, Any]:
    with Session(engine) as session:
        return listing.organization(session, query.path_id(organization_id), full=full_service)


@router.get("/taxonomies", response_model=Page)
def open_taxonomies(
    search: str | None = None, page: int | None = None, per_page: int | None = None,
    format: str | None = None, engine: Engine = Depends(get_engine),
) -> Page | StreamingResponse:  # fmt: skip
    def fetch(paging: PageRequest) -> Page:
        with Session(engine) as session:
            return listing.taxonomies(session, paging)

    return _answer(fetch, page, per_page, format)


@router.get("/taxonomies/{taxonomy_id}")
def open_taxonomy(taxonomy_id: str, engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    with Session(engine) as session:
        found = session.get(Taxonomy, query.path_id(taxonomy_id))
        if found is None:
            raise NotFound(f"There is no taxonomy with id {taxonomy_id}.", field="id")
        return listing.shapes.taxonomy(found)


@router.get("/taxonomy_terms", response_model=Page)
def open_taxonomy_terms(
    search: str | None = None, taxonomy_id: str | None = None, top_only: bool = False,
    parent_id: str | None = None, page: int | None = None, per_page: int | None = None,
    format: str | None = None, engine: Engine = Depends(get_engine),
) -> Page | StreamingResponse:  # fmt: skip
    def fetch(paging: PageRequest) -> Page:
        with Session(engine) as session:
            return listing.taxonomy_terms(
                session, query.search_text(search), query.given(taxonomy_id), paging,
                top_only=top_only, parent_id=query.given(parent_id),
            )  # fmt: skip

    return _answer(fetch, page, per_page, format)


@router.get("/taxonomy_terms/{term_id}")
def open_taxonomy_term(term_id: str, engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    with Session(engine) as session:
        term = session.get(TaxonomyTerm, query.path_id(term_id))
        if term is None:
            raise NotFound(f"There is no taxonomy term with id {term_id}.", field="id")
        return listing.shapes.taxonomy_term(term, session.get(Taxonomy, term.taxonomy_id))


@router.get("/service_at_locations", response_model=Page)
def open_service_at_locations(
    filters: ServiceFilters = Depends(), postcode: str | None = None,
    proximity: str | None = None, full: bool = False, page: int | None = None,
    per_page: int | None = None, format: str | None = None,
    engine: Engine = Depends(get_engine),
) -> Page | StreamingResponse:  # fmt: skip
    """``postcode`` (loaded table) with ``proximity`` in metres (10 miles if not given): the
    links whose place is that close to the postcode's centre, nearest first."""
    criteria = filters.criteria()
    miles = query.proximity_miles(proximity) or DEFAULT_WITHIN_MILES

    def fetch(paging: PageRequest) -> Page:
        with Session(engine) as session:
            near: Near | None = resolve_near(
                session, postcode=query.given(postcode), within_miles=miles
            )
            services = matching_service_ids(session, criteria)
            return listing.service_at_locations(
                session, paging, services=services, near=near, full=full
            )

    return _answer(fetch, page, per_page, format)


@router.get("/service_at_locations/{link_id}")
def open_service_at_location(link_id: str, engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    with Session(engine) as session:
        row = session.exec(
            select(ServiceAtLocation, Location)
            .join(Location, col(Location.id) == col(ServiceAtLocation.location_id))
            .where(col(ServiceAtLocation.id) == query.path_id(link_id))
        ).first()
        if row is None:
            raise NotFound(f"There is no service at location with id {link_id}.", field="id")
        return listing.service_at_location_shape(session, row[0], row[1], nested=True)
