"""Filters as SQL conditions on ``service``: each is an indexed EXISTS or a column test."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlmodel import col

from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.time_filters import age_and_time_conditions
from services.directory.adapters.tables import (
    Attribute,
    Court,
    Schedule,
    Service,
    ServiceArea,
    ServiceCourt,
    Taxonomy,
    TaxonomyTerm,
)
from services.directory.adapters.tables.base import utc_now
from services.directory.adapters.tables.taxonomy import (
    CLIENT_GROUPS,
    REFERRAL_ROUTES,
    SERVICE_TYPES,
)

_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LOCAL_TIME = ZoneInfo("Europe/London")


def conditions(criteria: SearchCriteria) -> list[ColumnElement[bool]]:
    """Every filter the criteria name, ANDed by the caller."""
    found: list[ColumnElement[bool]] = []
    if not criteria.include_withdrawn and criteria.status is None:
        found.append(col(Service.withdrawn_at).is_(None))
    if criteria.status is not None:
        found.append(col(Service.status) == criteria.status)
    if criteria.local_authority:
        found.append(in_area(criteria.local_authority))
    if criteria.court:
        found.append(at_court(criteria.court))
    for value, taxonomy in (
        (criteria.service_type, SERVICE_TYPES),
        (criteria.client_group, CLIENT_GROUPS),
        (criteria.referral_route, REFERRAL_ROUTES),
    ):
        if value:
            found.append(has_term(taxonomy, value))
    if criteria.taxonomy_term_id:
        found.append(_has_term_id(criteria.taxonomy_term_id))
    if criteria.taxonomy_id:
        terms = select(col(TaxonomyTerm.id)).where(
            col(TaxonomyTerm.taxonomy_id) == criteria.taxonomy_id
        )
        found.append(_has_term_id_in(terms))
    if criteria.age is not None:
        found.append(accepts_age(criteria.age))
    if criteria.open_now:
        found.append(open_at(criteria.now or utc_now()))
    if criteria.organization_id:
        found.append(col(Service.organization_id) == criteria.organization_id)
    if criteria.modified_after is not None:
        found.append(col(Service.updated_at) > criteria.modified_after)
    found.extend(age_and_time_conditions(criteria))
    return found


def in_area(code: str) -> ColumnElement[bool]:
    # IN (indexed subquery) lets the database start from the few matching rows.
    areas = select(col(ServiceArea.service_id)).where(col(ServiceArea.local_authority_code) == code)
    return col(Service.id).in_(areas)


def at_court(slug_or_name: str) -> ColumnElement[bool]:
    """A court by slug (``falkirk``) or by its full name (``Falkirk Sheriff Court``)."""
    court = select(col(Court.slug)).where(
        or_(col(Court.slug) == slug_or_name.lower(), col(Court.name) == slug_or_name)
    )
    linked = select(col(ServiceCourt.service_id)).where(col(ServiceCourt.court_slug).in_(court))
    return col(Service.id).in_(linked)


def has_term(taxonomy: str, code: str) -> ColumnElement[bool]:
    term = (
        select(col(TaxonomyTerm.id))
        .join(Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id))
        .where(col(Taxonomy.code) == taxonomy, col(TaxonomyTerm.code) == code)
    )
    return _has_term_id(term.scalar_subquery())


def _has_term_id(term_id: Any) -> ColumnElement[bool]:
    linked = select(col(Attribute.link_id)).where(col(Attribute.taxonomy_term_id) == term_id)
    return col(Service.id).in_(linked)


def _has_term_id_in(term_ids: Any) -> ColumnElement[bool]:
    linked = select(col(Attribute.link_id)).where(col(Attribute.taxonomy_term_id).in_(term_ids))
    return col(Service.id).in_(linked)


def accepts_age(age: int) -> ColumnElement[bool]:
    return and_(
        or_(col(Service.minimum_age).is_(None), col(Service.minimum_age) <= age),
        or_(col(Service.maximum_age).is_(None), col(Service.maximum_age) >= age),
    )


def open_at(moment: datetime) -> ColumnElement[bool]:
    """Open now: a schedule row for today's weekday whose hours (local time) include now."""
    local = moment.astimezone(LOCAL_TIME)
    day = _DAY_CODES[local.weekday()]
    clock = local.strftime("%H:%M")
    open_schedules = select(col(Schedule.service_id)).where(
        col(Schedule.byday).contains(day),
        col(Schedule.opens_at) <= clock,
        col(Schedule.closes_at) > clock,
    )
    return col(Service.id).in_(open_schedules)
