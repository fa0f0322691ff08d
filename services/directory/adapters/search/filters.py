"""Filters as SQL: facets and withdrawal on the search rows, everything else on ``service``."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlmodel import col

from services.directory.adapters.read_model import FACET_VALUE, SEARCH_ENTRY, SEARCH_FACET
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.time_filters import age_and_time_conditions
from services.directory.adapters.tables import Attribute, Schedule, Service, TaxonomyTerm
from services.directory.adapters.tables.base import utc_now

_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LOCAL_TIME = ZoneInfo("Europe/London")


FACETS = ("local_authority", "court", "service_type", "client_group", "referral_route")


def entry_conditions(criteria: SearchCriteria) -> list[ColumnElement[bool]]:
    """Withdrawn entries left out, and the facet filters: tests on ``search_entry`` by its id."""
    found: list[ColumnElement[bool]] = []
    if not criteria.include_withdrawn and criteria.status is None:
        found.append(SEARCH_ENTRY.c.live.is_(True))
    # Near a place the nearby rows lead; ``id + 0`` keeps SQLite from probing the entry index once
    # per facet-filtered id for each of them (seconds instead of milliseconds).
    entry = SEARCH_ENTRY.c.id + 0 if criteria.near is not None else SEARCH_ENTRY.c.id
    for facet in FACETS:
        wanted = getattr(criteria, facet)
        if wanted:
            found.append(entry.in_(having(facet, wanted)))
    return found


def having(facet: str, wanted: str) -> Select[Any]:
    """Ids of entries with ``wanted`` in ``facet`` (a court by slug or by its full name)."""
    value = FACET_VALUE.c
    same = value.value == wanted
    if facet == "court":
        same = or_(value.value == wanted.lower(), value.label == wanted)
    values = select(value.id).where(value.facet == facet, same)
    linked = SEARCH_FACET.c
    return select(linked.doc_id).where(linked.facet_value_id.in_(values))


def conditions(criteria: SearchCriteria) -> list[ColumnElement[bool]]:
    """The filters on ``service`` itself (none of them facets), ANDed by the caller."""
    found: list[ColumnElement[bool]] = []
    if criteria.status is not None:
        found.append(col(Service.status) == criteria.status)
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
