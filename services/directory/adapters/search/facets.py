"""Counts per filter value, each facet counted without its own filter (as a UI expects).

One query for all five facets: the search runs once without the facet filters, and a facet value
of an entry counts when every *other* chosen facet filter holds for that entry. ``service_facet``
(the read model) holds each entry's values as small integers, so counting groups by an integer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlmodel import Session

from services.directory.adapters.read_model import FACET_VALUE, SERVICE_FACET, TERM_FACETS
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.schemas import FacetCount

IdsFor = Callable[[SearchCriteria], Select[Any]]
FACETS = ("local_authority", "court", *TERM_FACETS)


def facet_counts(
    session: Session, ids_for: IdsFor, criteria: SearchCriteria
) -> dict[str, list[FacetCount]]:
    base = criteria
    for facet in FACETS:
        base = base.without(facet)
    linked = SERVICE_FACET.c
    chosen = [
        or_(linked.facet == facet, linked.service_id.in_(_having(facet, getattr(criteria, facet))))
        for facet in FACETS
        if getattr(criteria, facet)
    ]
    counted = (
        select(linked.facet_value_id, func.count().label("n"))
        .where(linked.service_id.in_(ids_for(base)), *chosen)
        .group_by(linked.facet_value_id)
        .subquery()
    )
    value = FACET_VALUE.c
    statement = select(value.facet, value.value, value.label, counted.c.n).join_from(
        counted, FACET_VALUE, value.id == counted.c.facet_value_id
    )
    counts: dict[str, list[FacetCount]] = {f: [] for f in FACETS}
    for name, code, label, count in session.execute(statement):
        counts[name].append(FacetCount(value=code, name=label, count=count))
    return {f: sorted(found, key=lambda c: (-c.count, c.name)) for f, found in counts.items()}


def _having(facet: str, wanted: str) -> Select[Any]:
    """Ids of entries with ``wanted`` in ``facet`` (a court by slug or by its full name)."""
    value = FACET_VALUE.c
    same = value.value == wanted
    if facet == "court":
        same = or_(value.value == wanted.lower(), value.label == wanted)
    values = select(value.id).where(value.facet == facet, same)
    linked = SERVICE_FACET.c
    return select(linked.service_id).where(linked.facet_value_id.in_(values))
