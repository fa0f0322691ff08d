"""Counts per filter value, each facet counted without its own filter (as a UI expects)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from services.directory.schemas import FacetCount
from services.directory.search.criteria import SearchCriteria
from services.directory.tables import (
    Attribute,
    Court,
    LocalAuthority,
    ServiceArea,
    ServiceCourt,
    Taxonomy,
    TaxonomyTerm,
)
from services.directory.tables.taxonomy import CLIENT_GROUPS, REFERRAL_ROUTES, SERVICE_TYPES

IdsFor = Callable[[SearchCriteria], Select[Any]]
_TERM_FACETS = {
    "service_type": SERVICE_TYPES,
    "client_group": CLIENT_GROUPS,
    "referral_route": REFERRAL_ROUTES,
}


def facet_counts(
    session: Session, ids_for: IdsFor, criteria: SearchCriteria
) -> dict[str, list[FacetCount]]:
    facets = {
        "local_authority": _area_counts(session, ids_for(criteria.without("local_authority"))),
        "court": _court_counts(session, ids_for(criteria.without("court"))),
    }
    for facet, taxonomy in _TERM_FACETS.items():
        facets[facet] = _term_counts(session, ids_for(criteria.without(facet)), taxonomy)
    return facets


def _area_counts(session: Session, ids: Select[Any]) -> list[FacetCount]:
    matched = ids.subquery()
    statement = (
        select(col(LocalAuthority.code), col(LocalAuthority.name), func.count())
        .select_from(matched)
        .join(ServiceArea, col(ServiceArea.service_id) == matched.c.id)
        .join(LocalAuthority, col(LocalAuthority.code) == col(ServiceArea.local_authority_code))
        .group_by(col(LocalAuthority.code), col(LocalAuthority.name))
    )
    return _as_counts(session, statement)


def _court_counts(session: Session, ids: Select[Any]) -> list[FacetCount]:
    matched = ids.subquery()
    statement = (
        select(col(Court.slug), col(Court.name), func.count())
        .select_from(matched)
        .join(ServiceCourt, col(ServiceCourt.service_id) == matched.c.id)
        .join(Court, col(Court.slug) == col(ServiceCourt.court_slug))
        .group_by(col(Court.slug), col(Court.name))
    )
    return _as_counts(session, statement)


def _term_counts(session: Session, ids: Select[Any], taxonomy: str) -> list[FacetCount]:
    matched = ids.subquery()
    statement = (
        select(col(TaxonomyTerm.code), col(TaxonomyTerm.name), func.count())
        .select_from(matched)
        .join(Attribute, col(Attribute.link_id) == matched.c.id)
        .join(TaxonomyTerm, col(TaxonomyTerm.id) == col(Attribute.taxonomy_term_id))
        .join(Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id))
        .where(col(Taxonomy.code) == taxonomy)
        .group_by(col(TaxonomyTerm.code), col(TaxonomyTerm.name))
    )
    return _as_counts(session, statement)


def _as_counts(session: Session, statement: Select[str, str, int]) -> list[FacetCount]:
    rows = session.execute(statement).all()
    counts = [FacetCount(value=value, name=name, count=count) for value, name, count in rows]
    return sorted(counts, key=lambda c: (-c.count, c.name))
