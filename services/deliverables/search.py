"""Full-text search over text and updates: FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Integer, text
from sqlmodel import Session, col, select

from services.deliverables.models import Deliverable, RoundReport

_WORD = re.compile(r"\w+", re.UNICODE)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def refresh_search_document(session: Session, number: int) -> None:
    """Rebuild one deliverable's search document from its text, detail and every update."""
    deliverable = session.get(Deliverable, number)
    if deliverable is None:
        return
    narratives = session.exec(
        select(RoundReport.narrative).where(RoundReport.deliverable_number == number)
    ).all()
    parts = [
        deliverable.title,
        deliverable.text,
        deliverable.further_detail,
        deliverable.latest_update,
        deliverable.lead_text,
        deliverable.collaboration_text,
        *narratives,
    ]
    document = "\n".join(part for part in parts if part)
    session.execute(text("DELETE FROM deliverable_search WHERE number = :n"), {"n": number})
    session.execute(
        text("INSERT INTO deliverable_search (number, document) VALUES (:n, :d)"),
        {"n": number, "d": document},
    )


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
