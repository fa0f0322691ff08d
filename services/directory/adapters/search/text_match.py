"""Full-text match with a relevance score, by the database: FTS5 bm25 or tsvector ts_rank.

Matches come back by the text index's integer id (``service_document.id``, the FTS5 rowid), the
key of ``search_entry`` and ``search_facet``, so nothing joins the wide ``service`` row.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, Subquery, text
from sqlmodel import Session

from shared.db import is_postgres

# bm25 weights per column: name, keywords (types, courts, areas), body.
_SQLITE = text(
    "SELECT rowid AS id, -bm25(service_fts, 10.0, 4.0, 1.0) AS relevance "
    "FROM service_fts WHERE service_fts MATCH :query"
)
_SQLITE_UNRANKED = text("SELECT rowid AS id FROM service_fts WHERE service_fts MATCH :query")
# ts_rank weighs how often each word occurs, in which part (the tsvector's weights), as bm25 does;
# ts_rank_cd (cover density, which also measures how near the words are) cost 1.7 times as much
# per matching document, most of the ranked page's time (bench/directory_search.py).
# OFFSET 0 keeps the planner from pulling this subquery up into the page: pulled up, each match's
# whole tsvector (about 450 bytes) was carried through the join to be ranked in the sort; kept,
# each is ranked where it is read and the join hashes (id, score). The ranked page of "bail
# supervision" (3,390 of 10,000 matches) went from 10.4 to 7.4 ms in EXPLAIN ANALYZE.
_POSTGRES = text(
    "SELECT d.id AS id, ts_rank(d.document, q, 32) AS relevance "
    "FROM service_document AS d, websearch_to_tsquery('english', :query) AS q "
    "WHERE d.document @@ q OFFSET 0"
)
_POSTGRES_UNRANKED = text(
    "SELECT d.id AS id FROM service_document AS d "
    "WHERE d.document @@ websearch_to_tsquery('english', :query)"
)


def text_match(
    session: Session, words: list[str], *, any_word: bool, ranked: bool = True
) -> Subquery:
    """A subquery (id[, relevance]) of documents with all (or any) of ``words``.

    Counting needs no ranking, so ``ranked=False`` leaves out bm25 / ts_rank.
    """
    if is_postgres(session.get_bind()):  # type: ignore[arg-type]
        query = (" or " if any_word else " ").join(words)
        statement = _POSTGRES if ranked else _POSTGRES_UNRANKED
    else:
        # Quoted so FTS5 syntax in user input is taken literally.
        query = (" OR " if any_word else " AND ").join(
            '"' + w.replace('"', '""') + '"' for w in words
        )
        statement = _SQLITE if ranked else _SQLITE_UNRANKED
    columns = {"id": Integer, "relevance": Float} if ranked else {"id": Integer}
    return statement.bindparams(query=query).columns(**columns).subquery("text_match")
