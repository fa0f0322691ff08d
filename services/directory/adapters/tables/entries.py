"""Organisations and their services: the HSDS 3.0 shape plus community justice fields."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from services.directory.adapters.tables.base import (
    DirectoryTable,
    created_moment,
    id_field,
    optional_moment,
)
from services.directory.domain.incumbent import HsdsServiceFields, IncumbentFields


class Organization(DirectoryTable, table=True):
    __tablename__ = "organization"

    id: str = id_field()
    name: str = Field(index=True)
    alternate_name: str | None = None
    description: str = ""
    email: str | None = None
    website: str | None = None
    is_sample: bool = False
    created_at: datetime = created_moment()
    updated_at: datetime = created_moment()


class Service(DirectoryTable, HsdsServiceFields, IncumbentFields, table=True):
    """One directory entry: HSDS fields, plus the incumbent directory's (``IncumbentFields``)."""

    __tablename__ = "service"

    id: str = id_field()
    organization_id: str = Field(foreign_key="organization.id", index=True)
    name: str
    status: str = Field(default="active", index=True)
    # HSDS's other fields and the incumbent's are inherited
    # (services/directory/domain/incumbent.py).
    # Community justice: who provided the information.
    providing_partnership_code: str | None = Field(default=None, foreign_key="partnership.code")
    # Keeping it current.
    last_reviewed_at: datetime = created_moment(index=True)  # ranking: stale entries sink
    last_reviewed_by: str | None = None
    review_requested_at: datetime | None = optional_moment()
    withdrawn_at: datetime | None = optional_moment()
    withdrawal_reason: str | None = None
    is_sample: bool = False
    created_at: datetime = created_moment()
    updated_at: datetime = created_moment(index=True)  # modified_after


class ServiceArea(DirectoryTable, table=True):
    """HSDS service_area, tied to one of the 32 local-authority areas."""

    __tablename__ = "service_area"
    __table_args__ = (
        UniqueConstraint("service_id", "local_authority_code", name="uq_service_area"),
    )

    id: str = id_field()
    service_id: str = Field(foreign_key="service.id", index=True)
    local_authority_code: str = Field(foreign_key="local_authority.code", index=True)
    name: str
    description: str | None = None
    extent_type: str | None = "local_authority"


class Attribute(DirectoryTable, table=True):
    """HSDS attribute: links an entity (here a service) to a taxonomy term."""

    __tablename__ = "attribute"
    __table_args__ = (UniqueConstraint("link_id", "taxonomy_term_id", name="uq_attribute_link"),)

    id: str = id_field()
    link_id: str = Field(index=True)
    link_type: str = "service_type"
    link_entity: str = "service"
    taxonomy_term_id: str = Field(foreign_key="taxonomy_term.id", index=True)
    value: str | None = None


class ServiceCourt(DirectoryTable, table=True):
    """A court the service is relevant to (community justice extension)."""

    __tablename__ = "service_court"

    service_id: str = Field(foreign_key="service.id", primary_key=True)
    court_slug: str = Field(foreign_key="court.slug", primary_key=True, index=True)
