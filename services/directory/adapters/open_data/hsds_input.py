"""The parts of an HSDS 3.0 document the importer reads, validated at the boundary."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.directory.domain.incumbent import HsdsServiceFields, IncumbentFields
from services.directory.schemas import ServiceStatus


class _Hsds(BaseModel):
    model_config = ConfigDict(extra="ignore")


class HsdsOrganization(_Hsds):
    id: str
    name: str = Field(min_length=1)
    description: str | None = None
    email: str | None = None
    website: str | None = None


class HsdsTerm(_Hsds):
    id: str | None = None
    code: str | None = None
    name: str | None = None


class HsdsAttribute(_Hsds):
    taxonomy_term_id: str | None = None
    taxonomy_term: HsdsTerm | None = None


class HsdsPhone(_Hsds):
    number: str


class HsdsSchedule(_Hsds):
    byday: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    description: str | None = None


class HsdsArea(_Hsds):
    name: str | None = None
    extent: str | None = None


class HsdsAddress(_Hsds):
    address_1: str | None = None
    city: str | None = None
    state_province: str | None = None
    postal_code: str | None = None


class HsdsLocation(_Hsds):
    id: str
    name: str | None = None
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    addresses: list[HsdsAddress] = []


class HsdsServiceAtLocation(_Hsds):
    id: str
    description: str | None = None
    location: HsdsLocation | None = None


class CommunityJustice(IncumbentFields):
    model_config = ConfigDict(extra="ignore")  # type: ignore[assignment]

    courts: list[str] = []
    providing_partnership: str | None = None
    last_reviewed_at: datetime | None = None
    is_sample: bool = False


class HsdsService(HsdsServiceFields):
    model_config = ConfigDict(extra="ignore")  # type: ignore[assignment]

    id: str
    name: str = Field(min_length=1)
    status: ServiceStatus = "active"
    organization: HsdsOrganization
    phones: list[HsdsPhone] = []
    schedules: list[HsdsSchedule] = []
    service_areas: list[HsdsArea] = []
    attributes: list[HsdsAttribute] = []
    service_at_locations: list[HsdsServiceAtLocation] = []
    community_justice: CommunityJustice = CommunityJustice()


class HsdsDocument(_Hsds):
    """An export of this directory, or any HSDS JSON holding fully nested services."""

    services: list[HsdsService]
