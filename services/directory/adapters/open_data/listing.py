"""Paged HSDS listings of organisations, taxonomies, terms and services at locations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlmodel import Session, col

from services.directory.adapters.geography.distance import Near, miles_from
from services.directory.adapters.open_data import shapes
from services.directory.adapters.open_data.paging import Page, PageRequest, page_of
from services.directory.adapters.open_data.services_view import hsds_services
from services.directory.adapters.tables import (
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


def organizations(
    session: Session, search: str | None, request: PageRequest, *, services: str | None = None
) -> Page:
    """``services``: ``"brief"`` or ``"full"`` nests each organisation's services."""
    statement = select(Organization).order_by(col(Organization.name), col(Organization.id))
    if search:
        statement = statement.where(col(Organization.name).ilike(f"%{search}%"))
    rows, total = _paged(session, statement, request)
    contents = [shapes.organization(row[0]) for row in rows]
    if services is not None:
        for shaped in contents:
            shaped["services"] = _services_of(session, shaped["id"], full=services == "full")
    return page_of(contents, total, request)


def organization(session: Session, organization_id: str, *, full: bool = False) -> dict[str, Any]:
    row = session.get(Organization, organization_id)
    if row is None:
        raise NotFound(f"There is no organization with id {organization_id}.", field="id")
    shaped = shapes.organization(row)
    shaped["services"] = _services_of(session, organization_id, full=full)
    return shaped


def _services_of(session: Session, organization_id: str, *, full: bool) -> list[Any]:
    ids = session.execute(
        select(col(Service.id))
        .where(col(Service.organization_id) == organization_id)
        .order_by(col(Service.name), col(Service.id))
    ).scalars()
    return hsds_services(session, list(ids), full=full)


def taxonomies(session: Session, request: PageRequest) -> Page:
    rows, total = _paged(session, select(Taxonomy).order_by(col(Taxonomy.code)), request)
    return page_of([shapes.taxonomy(row[0]) for row in rows], total, request)


def taxonomy_terms(
    session: Session,
    search: str | None,
    taxonomy_id: str | None,
    request: PageRequest,
    *,
    top_only: bool = False,
    parent_id: str | None = None,
) -> Page:
    statement = (
        select(TaxonomyTerm, Taxonomy)
        .join(Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id))
        .order_by(col(Taxonomy.code), col(TaxonomyTerm.code))
    )
    if taxonomy_id:
        statement = statement.where(col(TaxonomyTerm.taxonomy_id) == taxonomy_id)
    if top_only:
        statement = statement.where(col(TaxonomyTerm.parent_id).is_(None))
    if parent_id:
        statement = statement.where(col(TaxonomyTerm.parent_id) == parent_id)
    if search:
        pattern = f"%{search}%"
        statement = statement.where(
            or_(col(TaxonomyTerm.name).ilike(pattern), col(TaxonomyTerm.code).ilike(pattern))
        )
    rows, total = _paged(session, statement, request)
    return page_of([shapes.taxonomy_term(term, owner) for term, owner in rows], total, request)


def service_at_locations(
    session: Session,
    request: PageRequest,
    *,
    services: Select[Any] | None = None,
    near: Near | None = None,
    full: bool = False,
) -> Page:
    """Links of services to places; only ``services``' if given; within ``near``, nearest first."""
    statement = select(ServiceAtLocation, Location).join(
        Location, col(Location.id) == col(ServiceAtLocation.location_id)
    )
    if services is not None:
        statement = statement.where(col(ServiceAtLocation.service_id).in_(services))
    if near is None:
        statement = statement.order_by(col(ServiceAtLocation.id))
    else:
        south, north, west, east = near.box()
        miles = miles_from(near, col(Location.latitude), col(Location.longitude))
        statement = statement.where(
            col(Location.latitude).between(south, north),
            col(Location.longitude).between(west, east),
            miles <= near.within_miles,
        ).order_by(miles, col(ServiceAtLocation.id))
    rows, total = _paged(session, statement, request)
    contents = [
        service_at_location_shape(session, link, place, nested=full, full=full)
        for link, place in rows
    ]
    return page_of(contents, total, request)


def service_at_location_shape(
    session: Session,
    link: ServiceAtLocation,
    place: Location,
    *,
    nested: bool = False,
    full: bool = False,
) -> dict[str, Any]:
    shaped = shapes.clean(
        {"id": link.id, "service_id": link.service_id, "location_id": place.id,
         "description": link.description, "location": shapes.location(place)}
    )  # fmt: skip
    if nested:
        shaped["service"] = hsds_services(session, [link.service_id], full=full)[0]
    return shaped
