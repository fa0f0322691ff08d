"""HSDS taxonomies and their terms (service types, client groups, referral routes)."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from services.directory.adapters.tables.base import DirectoryTable, id_field

SERVICE_TYPES = "cjp-service-types"
CLIENT_GROUPS = "cjp-client-groups"
REFERRAL_ROUTES = "cjp-referral-routes"


class Taxonomy(DirectoryTable, table=True):
    __tablename__ = "taxonomy"

    id: str = id_field()
    code: str = Field(unique=True, max_length=64)
    name: str
    description: str
    uri: str | None = None
    version: str | None = None


class TaxonomyTerm(DirectoryTable, table=True):
    """A term such as ``bail-supervision``; ``code`` is unique within its taxonomy."""

    __tablename__ = "taxonomy_term"
    __table_args__ = (UniqueConstraint("taxonomy_id", "code", name="uq_taxonomy_term_code"),)

    id: str = id_field()
    taxonomy_id: str = Field(foreign_key="taxonomy.id", index=True)
    code: str = Field(max_length=64)
    name: str
    description: str
    parent_id: str | None = Field(default=None, foreign_key="taxonomy_term.id")
