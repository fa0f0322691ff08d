"""The raw-SQL floor under bench/directory_search.py: the same searches as hand-written SQL.

Each runs what a search page physically needs and nothing else: the matching ids ranked (text:
FTS5 bm25 / tsvector ts_rank_cd; filters: the indexed link table) with the total, the stored
views of the 20 on the page, and (for "+ facets") one count per facet value. Timed in the same
run as the searches, so the gap between the two is what the service adds.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, bindparam, text
from sqlmodel import Session

_SQLITE_TEXT = (
    "SELECT d.service_id AS id, -bm25(service_fts, 10.0, 4.0, 1.0) AS relevance "
    "FROM service_fts JOIN service_document AS d ON d.id = service_fts.rowid "
    "WHERE service_fts MATCH '\"{words}\"'"
)
_POSTGRES_TEXT = (
    "SELECT d.service_id AS id, ts_rank_cd(d.document, q, 32) AS relevance "
    "FROM service_document AS d, websearch_to_tsquery('english', '{words}') AS q "
    "WHERE d.document @@ q"
)
_FILTER = (
    "SELECT f.service_id AS id, 0.0 AS relevance FROM service_facet AS f "
    "JOIN facet_value AS v ON v.id = f.facet_value_id "
    "WHERE v.facet = 'service_type' AND v.value = 'bail-supervision'"
)
_VIEWS = text("SELECT view FROM service_view WHERE service_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
RAW_QUERIES: dict[str, tuple[str, bool]] = {
    "raw SQL: text": ("bail supervision", False),
    "raw SQL: text + facets": ("womens mental health", True),
    "raw SQL: filters + facets": ("", True),
}


def _matches(engine: Engine, words: str) -> str:
    if not words:
        return _FILTER
    if engine.dialect.name == "postgresql":
        return _POSTGRES_TEXT.format(words=words)
    return _SQLITE_TEXT.format(words='" AND "'.join(words.split()))


def _once(session: Session, matches: str, facets: bool) -> None:
    page = session.execute(text(
        f"SELECT m.id, count(*) OVER () FROM ({matches}) AS m "
        "JOIN service AS s ON s.id = m.id WHERE s.withdrawn_at IS NULL "
        "ORDER BY m.relevance DESC LIMIT 20"
    )).all()  # fmt: skip
    session.execute(_VIEWS, {"ids": [row[0] for row in page]}).all()
    if facets:
        session.execute(text(
            "SELECT facet_value_id, count(*) FROM service_facet WHERE service_id IN ("
            f"SELECT m.id FROM ({matches}) AS m JOIN service AS s ON s.id = m.id "
            "WHERE s.withdrawn_at IS NULL) GROUP BY facet_value_id"
        )).all()  # fmt: skip


def time_raw_searches(engine: Engine, runs: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in RAW_QUERIES}
    for run in range(runs + 2):
        for name, (words, facets) in RAW_QUERIES.items():
            matches: Any = _matches(engine, words)
            started = time.perf_counter()
            with Session(engine) as session:
                _once(session, matches, facets)
            if run >= 2:
                timings[name].append((time.perf_counter() - started) * 1000)
    return timings
