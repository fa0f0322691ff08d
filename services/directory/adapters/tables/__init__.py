"""Every directory table, importable from one place (Alembic reads their metadata here)."""

from services.directory.adapters.tables.areas import Court, LocalAuthority, Partnership
from services.directory.adapters.tables.base import DirectoryTable
from services.directory.adapters.tables.entries import (
    Attribute,
    Organization,
    Service,
    ServiceArea,
    ServiceCourt,
)
from services.directory.adapters.tables.geography import Postcode
from services.directory.adapters.tables.keeping import ServiceChange, Suggestion
from services.directory.adapters.tables.places import (
    Contact,
    Location,
    Phone,
    Schedule,
    ServiceAtLocation,
)
from services.directory.adapters.tables.taxonomy import Taxonomy, TaxonomyTerm

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
