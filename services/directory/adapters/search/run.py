"""Run a directory search: text match, filters, ranking, a page of ids and the total."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, case, func, literal, select
from sqlmodel import Session, col

from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.facets import facet_counts
from services.directory.adapters.search.filters import conditions
from services.directory.adapters.search.nearby import nearby_services
from services.directory.adapters.search.spelling import correct_words, query_words
from services.directory.adapters.search.text_match import text_match
from services.directory.adapters.tables import Service
from services.directory.domain.review import stale_before
from services.directory.schemas import FacetCount


@dataclass
class SearchResult:
    ids: list[str]
    total: int
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    corrected_query: str | None = None
    distances: dict[str, float] = field(default_factory=dict)  # miles, when searched near a place


def search_services(session: Session, criteria: SearchCriteria) -> SearchResult:
    """Exact and fresh entries first; entries past their review date sink to the bottom.

    The page and the total come from one query (``count(*) OVER ()``); only a page past the end
    needs a separate count.
    """
    words = query_words(criteria.text or "")
    corrected = correct_words(session, words) if words else []
    any_word = False
    rows, total = _page_with_total(session, criteria, corrected, any_word)
    if total == 0 and len(corrected) > 1:
        any_word = True
        rows, total = _page_with_total(session, criteria, corrected, any_word)
    result = SearchResult(ids=[str(row[0]) for row in rows], total=total)
    if criteria.near is not None:
        result.distances = {str(row[0]): float(row[1]) for row in rows}
    if corrected != words:
        result.corrected_query = " ".join(corrected)
    if criteria.with_facets:
        counting = _match(session, corrected, any_word, ranked=False)
        result.facets = facet_counts(session, lambda c: matching_ids(c, counting), criteria)
    return result


def _page_with_total(
    session: Session, criteria: SearchCriteria, words: list[str], any_word: bool
) -> tuple[list[Any], int]:
    ranked = _match(session, words, any_word, ranked=True)
    statement = _page(criteria, ranked).add_columns(func.count().over().label("total"))
    rows = list(session.execute(statement).all())
    if rows:
        return rows, int(rows[0][-1])
    if criteria.offset == 0:
        return rows, 0
    return rows, _count(session, criteria, _match(session, words, any_word, ranked=False))


def matching_service_ids(session: Session, criteria: SearchCriteria) -> Select[Any]:
    """Ids of every service the criteria select (all words of the text, typos corrected)."""
    words = correct_words(session, query_words(criteria.text or ""))
    return matching_ids(criteria, _match(session, words, False, ranked=False))


def _match(session: Session, words: list[str], any_word: bool, *, ranked: bool) -> Subquery | None:
    if not words:
        return None
    return text_match(session, words, any_word=any_word, ranked=ranked)


def matching_ids(
    criteria: SearchCriteria, match: Subquery | None, nearby: Subquery | None = None
) -> Select[Any]:
    """Ids of every service the criteria (and the text match, if any) select."""
    statement = select(col(Service.id))
    if match is not None:
        statement = statement.join(match, match.c.service_id == col(Service.id))
    if criteria.near is not None:
        nearby = nearby_services(criteria.near) if nearby is None else nearby
        statement = statement.join(nearby, nearby.c.service_id == col(Service.id))
    return statement.where(*conditions(criteria))


def _count(session: Session, criteria: SearchCriteria, match: Subquery | None) -> int:
    ids = matching_ids(criteria, match).subquery()
    return int(session.execute(select(func.count()).select_from(ids)).scalar_one())


def _page(criteria: SearchCriteria, match: Subquery | None) -> Select[Any]:
    """One page of ids (with distances when near a place): nearest first, then as without."""
    stale = case((col(Service.last_reviewed_at) < stale_before(criteria.now), 1), else_=0)
    relevance: ColumnElement[float] = match.c.relevance if match is not None else literal(0.0)
    order: list[Any] = [
        stale,
        _exactness(criteria.text).desc(),
        relevance.desc(),
        col(Service.last_reviewed_at).desc(),
        col(Service.name),
        col(Service.id),
    ]
    nearby = nearby_services(criteria.near) if criteria.near is not None else None
    statement = matching_ids(criteria, match, nearby)
    if nearby is not None:
        statement = statement.add_columns(nearby.c.distance_miles)
        order.insert(0, nearby.c.distance_miles)
    return statement.order_by(*order).limit(criteria.limit).offset(criteria.offset)


def _exactness(raw: str | None) -> ColumnElement[int]:
    """1 when the name holds the query exactly as typed (case-insensitive), else 0."""
    phrase = (raw or "").strip()
    if not phrase:
        return literal(0)
    escaped = phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return case((col(Service.name).ilike(f"%{escaped}%", escape="\\"), 1), else_=0)
