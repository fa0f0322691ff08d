"""Run a directory search: text match, filters, ranking, a page of ids and the total.

Everything is keyed by the text index's integer id: the text match (FTS5 / tsvector), the narrow
``search_entry`` row (name, live, reviewed_at) that ordering reads and the facet postings the
facet filters read. ``service`` is joined only for filters on its own columns (age, opening
times, status, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, case, func, literal, select
from sqlmodel import Session, col

from services.directory.adapters.read_model import SEARCH_ENTRY
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.facets import facet_counts
from services.directory.adapters.search.filters import FACETS, conditions, entry_conditions
from services.directory.adapters.search.nearby import nearby_services
from services.directory.adapters.search.spelling import correct_words, query_words
from services.directory.adapters.search.text_match import text_match
from services.directory.adapters.tables import Service
from services.directory.domain.review import stale_before
from services.directory.schemas import FacetCount
from shared.db import is_postgres

ENTRY = SEARCH_ENTRY.c


@dataclass
class SearchResult:
    ids: list[str]
    total: int
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    corrected_query: str | None = None
    distances: dict[str, float] = field(default_factory=dict)  # miles, when searched near a place


def search_services(session: Session, criteria: SearchCriteria) -> SearchResult:
    """Exact and fresh entries first; entries past their review date sink to the bottom.

    A first page shorter than the limit is its own total; otherwise one count follows, on the
    unranked match (no bm25 / ts_rank, no sorting). Where a second pass would cost more than
    numbering the rows in the first (``count(*) OVER ()``), the page numbers them: near a place
    (distances worked out twice), and a text match on PostgreSQL (each match's tsvector read from
    the table again: counting "bail supervision" took 2.5-3.4 ms alone and added about 1 ms to
    the page). On SQLite, FTS5 counts the matches from its index in 0.7 ms and numbering the
    page's rows added 2.5 ms.
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
        every_live = counting is None and _only_facets(criteria)
        result.facets = facet_counts(
            session, lambda c: matching_entries(c, counting), criteria, every_live=every_live
        )
    return result


def _only_facets(criteria: SearchCriteria) -> bool:
    """True when, but for text and facet filters, the criteria select every live entry."""
    plain = SearchCriteria(text=criteria.text, now=criteria.now)
    for facet in FACETS:
        plain = replace(plain, **{facet: getattr(criteria, facet)})
    return replace(criteria, limit=20, offset=0, with_facets=False) == plain


def _page_with_total(
    session: Session, criteria: SearchCriteria, words: list[str], any_word: bool
) -> tuple[list[Any], int]:
    ranked = _match(session, words, any_word, ranked=True)
    page = _page(criteria, ranked)
    text_on_postgres = ranked is not None and is_postgres(session.get_bind())  # type: ignore[arg-type]
    if criteria.near is not None or text_on_postgres:  # one pass for both: see search_services
        rows = list(session.execute(page.add_columns(func.count().over())).all())
        if rows or criteria.offset == 0:
            return rows, int(rows[0][-1]) if rows else 0
    rows = list(session.execute(page).all())
    if criteria.offset == 0 and len(rows) < criteria.limit:
        return rows, len(rows)
    unranked = _match(session, words, any_word, ranked=False)
    counted = matching_entries(criteria, unranked).subquery()
    return rows, int(session.execute(select(func.count()).select_from(counted)).scalar_one())


def matching_service_ids(session: Session, criteria: SearchCriteria) -> Select[Any]:
    """Ids of every service the criteria select (all words of the text, typos corrected)."""
    words = correct_words(session, query_words(criteria.text or ""))
    match = _match(session, words, False, ranked=False)
    return matching_entries(criteria, match).with_only_columns(ENTRY.service_id)


def _match(session: Session, words: list[str], any_word: bool, *, ranked: bool) -> Subquery | None:
    if not words:
        return None
    return text_match(session, words, any_word=any_word, ranked=ranked)


def matching_entries(
    criteria: SearchCriteria, match: Subquery | None, nearby: Subquery | None = None
) -> Select[Any]:
    """Search-entry ids the criteria (and the text match, if any) select."""
    statement = select(ENTRY.id).select_from(SEARCH_ENTRY)
    if match is not None:
        statement = statement.join(match, match.c.id == ENTRY.id)
    if criteria.near is not None:
        nearby = nearby_services(criteria.near) if nearby is None else nearby
        statement = statement.join(nearby, nearby.c.service_id == ENTRY.service_id)
    on_service = conditions(criteria)
    if on_service:
        statement = statement.join(Service, col(Service.id) == ENTRY.service_id)
    return statement.where(*entry_conditions(criteria), *on_service)


def _page(criteria: SearchCriteria, match: Subquery | None) -> Select[Any]:
    """A page of service ids (with distances when near a place): nearest first, then as without."""
    stale = case((ENTRY.reviewed_at < stale_before(criteria.now), 1), else_=0)
    relevance: ColumnElement[float] = match.c.relevance if match is not None else literal(0.0)
    order: list[Any] = [
        stale,
        _exactness(criteria.text).desc(),
        relevance.desc(),
        ENTRY.reviewed_at.desc(),
        ENTRY.name,
        ENTRY.service_id,
    ]
    nearby = nearby_services(criteria.near) if criteria.near is not None else None
    statement = matching_entries(criteria, match, nearby).with_only_columns(ENTRY.service_id)
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
    return case((ENTRY.name.ilike(f"%{escaped}%", escape="\\"), 1), else_=0)
