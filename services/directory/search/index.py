"""Keep a service's search document (and the vocabulary used for typo correction) current."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlmodel import Session

from services.directory.views import service_views

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
    session.flush()
    view = service_views(session, [service_id])[0]
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
    document = {"service_id": service_id, "name": view.name, "keywords": keywords, "body": body}
    session.execute(_UPSERT_DOCUMENT, document)
    words = {w.lower() for part in (view.name, keywords, body) for w in _WORD.findall(part)}
    if words:
        session.execute(_ADD_WORD, [{"word": word} for word in sorted(words)])
