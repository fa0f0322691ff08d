"""Every directory table, importable from one place (Alembic reads their metadata here)."""

from services.directory.tables.areas import Court, LocalAuthority, Partnership
from services.directory.tables.base import DirectoryTable
from services.directory.tables.entries import (
    Attribute,
    Organization,
    Service,
    ServiceArea,
    ServiceCourt,
)
from services.directory.tables.geography import Postcode
from services.directory.tables.keeping import ServiceChange, Suggestion
from services.directory.tables.places import (
    Contact,
    Location,
    Phone,
    Schedule,
    ServiceAtLocation,
)
from services.directory.tables.taxonomy import Taxonomy, TaxonomyTerm

__all__ = [
    "Attribute",
    "Contact",
    "Court",
    "DirectoryTable",
    "LocalAuthority",
    "Location",
    "Organization",
    "Partnership",
    "Phone",
    "Postcode",
    "Schedule",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceChange",
    "ServiceCourt",
    "Suggestion",
    "Taxonomy",
    "TaxonomyTerm",
]
