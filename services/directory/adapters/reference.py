"""Read the reference facts: areas with their partnerships, service types, courts, terms."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.directory.adapters.tables import (
    Court,
    LocalAuthority,
    Partnership,
    Taxonomy,
    TaxonomyTerm,
)
from services.directory.adapters.tables.taxonomy import SERVICE_TYPES
from services.directory.schemas import CourtOut, LocalAuthorityOut, ServiceTypeOut, TermOut


def list_local_authorities(engine: Engine) -> list[LocalAuthorityOut]:
    with Session(engine) as session:
        rows = session.exec(
            select(LocalAuthority, Partnership)
            .join(Partnership, col(Partnership.code) == col(LocalAuthority.partnership_code))
            .order_by(col(LocalAuthority.name))
        )
        return [
            LocalAuthorityOut(
                code=area.code, name=area.name, partnership=p.name, partnership_code=p.code
            )
            for area, p in rows
        ]


def list_terms(engine: Engine, taxonomy: str | None = None) -> list[TermOut]:
    with Session(engine) as session:
        statement = select(TaxonomyTerm.code, TaxonomyTerm.name, Taxonomy.code).join(
            Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id)
        )
        if taxonomy:
            statement = statement.where(col(Taxonomy.code) == taxonomy)
        rows = session.exec(statement.order_by(col(Taxonomy.code), col(TaxonomyTerm.name)))
        return [TermOut(code=c, name=n, taxonomy=t) for c, n, t in rows]


def list_service_types(engine: Engine) -> list[ServiceTypeOut]:
    return [ServiceTypeOut(code=t.code, name=t.name) for t in list_terms(engine, SERVICE_TYPES)]


def list_courts(engine: Engine) -> list[CourtOut]:
    with Session(engine) as session:
        rows = session.exec(select(Court).order_by(col(Court.name)))
        return [
            CourtOut(slug=c.slug, name=c.name, local_authority=c.local_authority_code,
                     latitude=c.latitude, longitude=c.longitude)
            for c in rows
        ]  # fmt: skip
