"""Full-text search over text and updates: FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import ColumnElement, Integer, bindparam, text
from sqlmodel import Session, col, select

from services.deliverables.adapters.tables import Deliverable, RoundReport

_WORD = re.compile(r"\w+", re.UNICODE)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def refresh_search_documents(session: Session, numbers: Collection[int]) -> None:
    """Rebuild the search documents of these deliverables from their text and every update."""
    if not numbers:
        return
    wanted = list(numbers)
    narratives: dict[int, list[str]] = defaultdict(list)
    for number, narrative in session.exec(
        select(RoundReport.deliverable_number, RoundReport.narrative).where(
            col(RoundReport.deliverable_number).in_(wanted)
        )
    ):
        if narrative:
            narratives[number].append(narrative)
    rows = [
        {"n": item.number, "d": _document(item, narratives[item.number])}
        for item in session.exec(select(Deliverable).where(col(Deliverable.number).in_(wanted)))
    ]
    session.execute(
        text("DELETE FROM deliverable_search WHERE number IN :numbers").bindparams(
            bindparam("numbers", expanding=True)
        ),
        {"numbers": wanted},
    )
    if rows:
        session.execute(
            text("INSERT INTO deliverable_search (number, document) VALUES (:n, :d)"), rows
        )


def _document(deliverable: Deliverable, narratives: list[str]) -> str:
    parts = [
        deliverable.title,
        deliverable.text,
        deliverable.further_detail,
        deliverable.latest_update,
        deliverable.lead_text,
        deliverable.collaboration_text,
        *narratives,
    ]
    return "\n".join(part for part in parts if part)


def matching_numbers_clause(session: Session, query: str) -> ColumnElement[bool]:
    """A SQL condition on Deliverable.number selecting the deliverables that match ``query``."""
    words = _WORD.findall(query)
    if not words:
        return col(Deliverable.number).is_(None)
    if _is_sqlite(session):
        # Each word quoted: user input can never be read as FTS5 syntax; all words must match.
        match = " ".join('"' + word.replace('"', "") + '"*' for word in words)
        subquery = text("SELECT number FROM deliverable_search WHERE deliverable_search MATCH :m")
        return col(Deliverable.number).in_(subquery.bindparams(m=match).columns(number=Integer))
    subquery = text(
        "SELECT number FROM deliverable_search "
        "WHERE document_vector @@ plainto_tsquery('english', :m)"
    )
    return col(Deliverable.number).in_(
        subquery.bindparams(m=" ".join(words)).columns(number=Integer)
    )
