"""Keep a service's search document (and the vocabulary used for typo correction) current."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlmodel import Session

from services.directory.adapters.read_model import store_views
from services.directory.adapters.views import service_views
from services.directory.schemas import ServiceOut

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

_UPSERT_DOCUMENT = text(
    "INSERT INTO service_document (service_id, name, keywords, body) "
    "VALUES (:service_id, :name, :keywords, :body) "
    "ON CONFLICT (service_id) DO UPDATE SET "
    "name = excluded.name, keywords = excluded.keywords, body = excluded.body"
)
_ADD_WORD = text("INSERT INTO search_word (word) VALUES (:word) ON CONFLICT (word) DO NOTHING")


def reindex_service(session: Session, service_id: str) -> None:
    """Rewrite the search document of one service from its current rows (same transaction)."""
    reindex_services(session, [service_id])


def reindex_services(session: Session, service_ids: list[str]) -> None:
    """Rewrite the search documents and read model of a batch of services (and the vocabulary)."""
    session.flush()
    views = service_views(session, service_ids)
    store_views(session, views)
    documents = [_document(view) for view in views]
    if not documents:
        return
    session.execute(_UPSERT_DOCUMENT, documents)
    words = {
        word.lower()
        for document in documents
        for part in (document["name"], document["keywords"], document["body"])
        for word in _WORD.findall(part)
    }
    if words:
        session.execute(_ADD_WORD, [{"word": word} for word in sorted(words)])


def _document(view: ServiceOut) -> dict[str, str]:
    """Name, keywords (organisation, types, groups, routes, courts, areas) and body text."""
    keywords = " ".join(
        [
            view.organisation.name,
            *view.service_types,
            *view.client_groups,
            *view.referral_routes,
            *view.courts,
            *view.local_authorities,
            view.providing_partnership or "",
            view.programme_title or "",
            view.programme_provider or "",
        ]
    ).replace("-", " ")
    body = " ".join(
        part or ""
        for part in (
            view.description,
            view.eligibility,
            view.suitable_for,
            view.scheme_details,
            view.possible_outcomes,
            view.assessment_process,
        )
    )
    return {"service_id": view.id, "name": view.name, "keywords": keywords, "body": body}
