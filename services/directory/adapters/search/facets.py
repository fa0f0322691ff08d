"""Counts per filter value, each facet counted without its own filter (as a UI expects).

One query for all five facets, a ``UNION ALL`` of at most one part per chosen facet and one for
the rest: the facets without a filter are counted over the search's own matches; a chosen facet
is counted over the matches of the search without its own filter. ``search_facet`` holds each
entry's values as small integers by the entry's integer id, and its ``live`` column lets a search
that selects every live entry count straight from one index (``ix_search_facet_counting``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, union_all
from sqlmodel import Session

from services.directory.adapters.read_model import FACET_VALUE, SEARCH_FACET
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.filters import FACETS, having
from services.directory.schemas import FacetCount
from shared.db import is_postgres

IdsFor = Callable[[SearchCriteria], Select[Any]]
POSTING = SEARCH_FACET.c


def facet_counts(
    session: Session, ids_for: IdsFor, criteria: SearchCriteria, *, every_live: bool = False
) -> dict[str, list[FacetCount]]:
    """``every_live``: without its facet filters the search selects every live entry."""
    chosen = [facet for facet in FACETS if getattr(criteria, facet)]
    others = [facet for facet in FACETS if facet not in chosen]
    sqlite = not is_postgres(session.get_bind())  # type: ignore[arg-type]
    parts = [_counted(f, criteria.without(f), ids_for, every_live, sqlite) for f in chosen]
    if others:
        parts.append(_counted(others, criteria, ids_for, every_live, sqlite))
    counted = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    value = FACET_VALUE.c
    statement = select(value.facet, value.value, value.label, counted.c.n).join_from(
        counted, FACET_VALUE, value.id == counted.c.facet_value_id
    )
    counts: dict[str, list[FacetCount]] = {f: [] for f in FACETS}
    for name, code, label, count in session.execute(statement):
        counts[name].append(FacetCount(value=code, name=label, count=count))
    return {f: sorted(found, key=lambda c: (-c.count, c.name)) for f, found in counts.items()}


def _counted(
    facets: str | list[str],
    criteria: SearchCriteria,
    ids_for: IdsFor,
    every_live: bool,
    sqlite: bool,
) -> Select[Any]:
    """Counts of the values of ``facets`` over the entries ``criteria`` select.

    Over every live entry, one range of ``ix_search_facet_counting`` is read. Over fewer, the
    entries lead (primary key by ``doc_id``): on SQLite, ``facet || ''`` keeps the planner off
    the counting index, which would read every entry's postings of those facets. PostgreSQL is
    given the plain column: it cannot estimate the expression (it guessed 381 postings of one
    facet where there were 15,991) and, misled, tested the text match once per posting, which
    took a search for "bail" in Fife with facets from 10 to 41 ms.
    """
    filters = [POSTING.doc_id.in_(having(f, getattr(criteria, f))) for f in FACETS
               if getattr(criteria, f)]  # fmt: skip
    leading = every_live and not filters
    facet = POSTING.facet + "" if sqlite and not leading else POSTING.facet
    where: list[ColumnElement[bool]] = [
        facet == facets if isinstance(facets, str) else facet.in_(facets)
    ]
    if every_live:  # the postings' own live flag and the facet filters: no other table
        where += [POSTING.live.is_(True), *filters]
    else:
        where.append(POSTING.doc_id.in_(ids_for(criteria)))
    return (
        select(POSTING.facet_value_id, func.count().label("n"))
        .where(*where)
        .group_by(POSTING.facet_value_id)
    )
