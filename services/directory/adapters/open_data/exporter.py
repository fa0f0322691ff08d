"""Export the whole directory as one HSDS 3.0 JSON document."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.directory.adapters.open_data import shapes
from services.directory.adapters.open_data.services_view import hsds_services
from services.directory.adapters.tables import Organization, Service, Taxonomy, TaxonomyTerm


def export_directory(engine: Engine, *, include_withdrawn: bool = True) -> dict[str, Any]:
    """Organisations, taxonomies, terms and fully nested services, in a stable order."""
    with Session(engine) as session:
        statement = select(col(Service.id)).order_by(col(Service.name), col(Service.id))
        if not include_withdrawn:
            statement = statement.where(col(Service.withdrawn_at).is_(None))
        ids = list(session.exec(statement))
        taxonomies = {t.id: t for t in session.exec(select(Taxonomy))}
        terms = session.exec(select(TaxonomyTerm).order_by(col(TaxonomyTerm.code)))
        organisations = session.exec(select(Organization).order_by(col(Organization.name)))
        return {
            "hsds_version": "3.0",
            "organizations": [shapes.organization(o) for o in organisations],
            "taxonomies": [shapes.taxonomy(t) for t in taxonomies.values()],
            "taxonomy_terms": [
                shapes.taxonomy_term(t, taxonomies.get(t.taxonomy_id)) for t in terms
            ],
            "services": hsds_services(session, ids, full=True),
        }
