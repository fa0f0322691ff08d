"""The directory's internal JSON API shapes (docs/contracts.md, "Directory service HTTP API")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from services.directory.domain.incumbent import IncumbentFields
from services.directory.domain.review import Freshness
from shared.patching import refuse_null
from shared.text_input import OneLine

ServiceStatus = Literal["active", "inactive", "defunct", "temporarily closed"]


class LocalAuthorityOut(BaseModel):
    code: str
    name: str
    partnership: str | None
    partnership_code: str | None = None


class ServiceTypeOut(BaseModel):
    code: str
    name: str


class TermOut(BaseModel):
    code: str
    name: str
    taxonomy: str


class CourtOut(BaseModel):
    slug: str
    name: str
    local_authority: str
    latitude: float | None = None  # approximate (town centre), for distance searches
    longitude: float | None = None


class OrganisationRef(BaseModel):
    id: str
    name: str


HOUR_MINUTE = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class ScheduleOut(BaseModel):
    """Weekly hours: ``byday`` holds RFC 5545 day codes (``MO,TU``); times are ``HH:MM``."""

    byday: str
    opens_at: str | None
    closes_at: str | None
    description: str | None = None


class ScheduleIn(ScheduleOut):
    model_config = ConfigDict(extra="forbid")

    byday: str = Field(pattern=r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$")
    opens_at: str | None = Field(default=None, pattern=HOUR_MINUTE)
    closes_at: str | None = Field(default=None, pattern=HOUR_MINUTE)


class PlaceOut(BaseModel):
    """Where the service is delivered: one postal address and its coordinates."""

    name: str | None = None
    address_1: str | None = None
    city: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class PlaceIn(PlaceOut):
    model_config = ConfigDict(extra="forbid")

    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class ContactOut(BaseModel):
    """A named person to contact about the service."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    title: str | None = None
    email: str | None = None


class ServiceOut(IncumbentFields):
    """A directory entry; the first block is the contract, the rest (and the inherited) additive."""

    id: str
    name: str
    description: str | None
    organisation: OrganisationRef
    local_authorities: list[str]
    service_types: list[str]
    status: str
    courts: list[str]
    referral_routes: list[str]
    eligibility: str | None
    contact_email: str | None
    phone: str | None
    is_sample: bool
    last_reviewed_at: datetime
    updated_at: datetime
    # Additive fields.
    court_slugs: list[str] = []
    client_groups: list[str] = []
    minimum_age: int | None = None
    maximum_age: int | None = None
    url: str | None = None
    providing_partnership: str | None = None
    assured_date: date | None = None
    assurer_email: str | None = None
    review_due_at: datetime | None = None
    is_stale: bool = False
    withdrawn_at: datetime | None = None
    withdrawal_reason: str | None = None
    freshness: Freshness = "fresh"
    schedules: list[ScheduleOut] = []
    locations: list[PlaceOut] = []
    contacts: list[ContactOut] = []
    created_at: datetime | None = None
    distance_miles: float | None = None  # only in a search near a place: its nearest location


class FacetCount(BaseModel):
    """One filter value with how many entries it would show; ``label`` repeats ``name``."""

    value: str
    name: str
    count: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        return self.name


class ServiceList(BaseModel):
    items: list[ServiceOut]
    total: int
    facets: dict[str, list[FacetCount]] = {}
    corrected_query: str | None = None


class EditableFields(IncumbentFields):
    """Fields a PATCH may carry; every one optional, unknown ones refused."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]  # SQLModel base

    name: OneLine | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = None
    status: ServiceStatus | None = None
    service_types: list[str] | None = None
    contact_email: str | None = None
    phone: str | None = None
    courts: list[str] | None = None
    referral_routes: list[str] | None = None
    eligibility: str | None = None
    client_groups: list[str] | None = None
    local_authorities: list[str] | None = None
    minimum_age: int | None = Field(default=None, ge=0, le=120)
    maximum_age: int | None = Field(default=None, ge=0, le=120)
    url: str | None = None
    schedules: list[ScheduleIn] | None = None
    locations: list[PlaceIn] | None = None
    contacts: list[ContactOut] | None = None


class ServicePatch(EditableFields):
    _no_null_for_required = field_validator("name", "status", mode="before")(refuse_null)


class ServiceCreate(EditableFields):
    """A new entry: a name and at least one area; the organisation by id or by name."""

    name: OneLine = Field(min_length=1, max_length=300)
    local_authorities: list[str] = Field(min_length=1)
    organisation_id: str | None = None
    organisation_name: OneLine | None = None
    is_sample: bool = False


class WithdrawRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class SuggestionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=3, max_length=5000)
    field: str | None = None
    name: str | None = None
    email: str | None = None


class SuggestionOut(BaseModel):
    id: str
    service_id: str
    partnership: str | None
    field: str | None
    message: str
    status: str
    created_at: datetime


class ChangeOut(BaseModel):
    kind: str
    field: str
    old: object | None
    new: object | None
    changed_by: str
    changed_by_name: str | None
    changed_at: datetime
