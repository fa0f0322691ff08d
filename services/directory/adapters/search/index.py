"""Keep a service's search document (and the vocabulary used for typo correction) current."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from services.directory.adapters.read_model import search_document, store_views
from services.directory.adapters.search.spelling import VOCABULARY_WORD
from services.directory.adapters.views import service_views

_ADD_WORD = text("INSERT INTO search_word (word) VALUES (:word) ON CONFLICT (word) DO NOTHING")


def reindex_service(session: Session, service_id: str) -> None:
    """Rewrite the search document of one service from its current rows (same transaction)."""
    reindex_services(session, [service_id])


def reindex_services(session: Session, service_ids: list[str]) -> None:
    """Rewrite the search documents and read model of a batch of services (and the vocabulary)."""
    session.flush()
    views = service_views(session, service_ids)
    store_views(session, views)
    documents = [search_document(view) for view in views]
    words = {
        word.lower()
        for document in documents
        for part in (document["name"], document["keywords"], document["body"])
        for word in VOCABULARY_WORD.findall(part)
    }
    if words:
        session.execute(_ADD_WORD, [{"word": word} for word in sorted(words)])
