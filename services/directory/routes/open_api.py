"""The read-only open API in the HSDS 3.0 / ORUK style, under ``/open``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.directory.open_data import listing
from services.directory.open_data.exporter import export_directory
from services.directory.open_data.paging import Page, PageRequest, page_of
from services.directory.open_data.services_view import hsds_services
from services.directory.routes.dependencies import get_engine
from services.directory.search.criteria import SearchCriteria
from services.directory.search.run import search_services
from services.directory.tables import Location, ServiceAtLocation, Taxonomy, TaxonomyTerm
from services.directory.use_cases.update_service import load_service
from shared.errors import NotFound

router = APIRouter(prefix="/open", tags=["open data (HSDS 3.0)"])


def page_request(
    page: int = Query(default=1, ge=1), per_page: int = Query(default=50, ge=1, le=200)
) -> PageRequest:
    return PageRequest(page=page, per_page=per_page)


@router.get("/")
def about() -> dict[str, str]:
    return {"version": "3.0", "profile": "https://docs.openreferral.org/en/3.0/",
            "openapi_url": "/openapi.json"}  # fmt: skip


@router.get("/services", response_model=Page)
def open_services(
    search: str | None = Query(default=None, max_length=200),
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    organization_id: str | None = None,
    modified_after: datetime | None = None,
    local_authority: str | None = None,
    full: bool = False,
    paging: PageRequest = Depends(page_request),
    engine: Engine = Depends(get_engine),
) -> Page:
    """Services, searchable and filterable; with ``modified_after`` withdrawn ones are included."""
    criteria = SearchCriteria(
        text=search, taxonomy_term_id=taxonomy_term_id, taxonomy_id=taxonomy_id,
        organization_id=organization_id,
        modified_after=modified_after, local_authority=local_authority,
        include_withdrawn=modified_after is not None,
        limit=paging.per_page, offset=paging.offset,
    )  # fmt: skip
    with Session(engine) as session:
        result = search_services(session, criteria)
        contents = hsds_services(session, result.ids, full=full)
    return page_of(contents, result.total, paging)


@router.get("/services/{service_id}")
def open_service(service_id: str, engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    with Session(engine) as session:
        load_service(session, service_id)
        return hsds_services(session, [service_id], full=True)[0]


@router.get("/export")
def open_export(engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    """The whole directory as one HSDS JSON document (withdrawn entries carry status defunct)."""
    return export_directory(engine)


@router.get("/organizations", response_model=Page)
def open_organizations(
    search: str | None = Query(default=None, max_length=200),
    paging: PageRequest = Depends(page_request),
    engine: Engine = Depends(get_engine),
) -> Page:
    with Session(engine) as session:
        return listing.organizations(session, search, paging)


@router.get("/organizations/{organization_id}")
def open_organization(organization_id: str, engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    with Session(engine) as session:
        return listing.organization(session, organization_id)


@router.get("/taxonomies", response_model=Page)
def open_taxonomies(
    paging: PageRequest = Depends(page_request), engine: Engine = Depends(get_engine)
) -> Page:
    with Session(engine) as session:
        return listing.taxonomies(session, paging)


@router.get("/taxonomies/{taxonomy_id}")
def open_taxonomy(taxonomy_id: str, engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    with Session(engine) as session:
        found = session.get(Taxonomy, taxonomy_id)
        if found is None:
            raise NotFound(f"There is no taxonomy with id {taxonomy_id}.", field="id")
        return listing.shapes.taxonomy(found)


@router.get("/taxonomy_terms", response_model=Page)
def open_taxonomy_terms(
    search: str | None = Query(default=None, max_length=200),
    taxonomy_id: str | None = None,
    paging: PageRequest = Depends(page_request),
    engine: Engine = Depends(get_engine),
) -> Page:
    with Session(engine) as session:
        return listing.taxonomy_terms(session, search, taxonomy_id, paging)


@router.get("/taxonomy_terms/{term_id}")
def open_taxonomy_term(term_id: str, engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    with Session(engine) as session:
        term = session.get(TaxonomyTerm, term_id)
        if term is None:
            raise NotFound(f"There is no taxonomy term with id {term_id}.", field="id")
        return listing.shapes.taxonomy_term(term, session.get(Taxonomy, term.taxonomy_id))


@router.get("/service_at_locations", response_model=Page)
def open_service_at_locations(
    paging: PageRequest = Depends(page_request), engine: Engine = Depends(get_engine)
) -> Page:
    with Session(engine) as session:
        return listing.service_at_locations(session, paging)


@router.get("/service_at_locations/{link_id}")
def open_service_at_location(link_id: str, engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    with Session(engine) as session:
        row = session.exec(
            select(ServiceAtLocation, Location)
            .join(Location, col(Location.id) == col(ServiceAtLocation.location_id))
            .where(col(ServiceAtLocation.id) == link_id)
        ).first()
        if row is None:
            raise NotFound(f"There is no service at location with id {link_id}.", field="id")
        return listing.service_at_location_shape(session, row[0], row[1], nested=True)
