"""Paged HSDS listings of organisations, taxonomies, terms and services at locations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from services.directory.open_data import shapes
from services.directory.open_data.paging import Page, PageRequest, page_of
from services.directory.open_data.services_view import hsds_services
from services.directory.tables import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from shared.errors import NotFound


def _paged(session: Session, statement: Any, request: PageRequest) -> tuple[list[Any], int]:
    total = session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    rows = session.execute(statement.limit(request.per_page).offset(request.offset)).all()
    return list(rows), int(total)


def organizations(session: Session, search: str | None, request: PageRequest) -> Page:
    statement = select(Organization).order_by(col(Organization.name), col(Organization.id))
    if search:
        statement = statement.where(col(Organization.name).ilike(f"%{search}%"))
    rows, total = _paged(session, statement, request)
    return page_of([shapes.organization(row[0]) for row in rows], total, request)


def organization(session: Session, organization_id: str) -> dict[str, Any]:
    row = session.get(Organization, organization_id)
    if row is None:
        raise NotFound(f"There is no organization with id {organization_id}.", field="id")
    shaped = shapes.organization(row)
    ids = list(
        session.execute(
            select(col(Service.id)).where(col(Service.organization_id) == organization_id)
        ).scalars()
    )
    shaped["services"] = hsds_services(session, ids, full=False)
    return shaped


def taxonomies(session: Session, request: PageRequest) -> Page:
    rows, total = _paged(session, select(Taxonomy).order_by(col(Taxonomy.code)), request)
    return page_of([shapes.taxonomy(row[0]) for row in rows], total, request)


def taxonomy_terms(
    session: Session, search: str | None, taxonomy_id: str | None, request: PageRequest
) -> Page:
    statement = (
        select(TaxonomyTerm, Taxonomy)
        .join(Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id))
        .order_by(col(Taxonomy.code), col(TaxonomyTerm.code))
    )
    if taxonomy_id:
        statement = statement.where(col(TaxonomyTerm.taxonomy_id) == taxonomy_id)
    if search:
        pattern = f"%{search}%"
        statement = statement.where(
            or_(col(TaxonomyTerm.name).ilike(pattern), col(TaxonomyTerm.code).ilike(pattern))
        )
    rows, total = _paged(session, statement, request)
    return page_of([shapes.taxonomy_term(term, owner) for term, owner in rows], total, request)


def service_at_locations(session: Session, request: PageRequest) -> Page:
    statement = (
        select(ServiceAtLocation, Location)
        .join(Location, col(Location.id) == col(ServiceAtLocation.location_id))
        .order_by(col(ServiceAtLocation.id))
    )
    rows, total = _paged(session, statement, request)
    contents = [service_at_location_shape(session, link, place) for link, place in rows]
    return page_of(contents, total, request)


def service_at_location_shape(
    session: Session, link: ServiceAtLocation, place: Location, *, nested: bool = False
) -> dict[str, Any]:
    shaped = shapes.clean(
        {"id": link.id, "service_id": link.service_id, "location_id": place.id,
         "description": link.description, "location": shapes.location(place)}
    )  # fmt: skip
    if nested:
        shaped["service"] = hsds_services(session, [link.service_id], full=False)[0]
    return shaped
