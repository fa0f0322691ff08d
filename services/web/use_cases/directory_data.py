"""The directory as its keepers see it: every field of an entry, the review queue, suggestions,
and the GraphQL documents the keeping pages send (validated against the gateway's schema)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from services.web.adapters.caller import Caller
from services.web.adapters.gateway_models import GatewayModel, LocalAuthority, ServiceType

ENTRY_FIELDS = """
  id name description organisationName localAuthorities serviceTypes clientGroups referralRoutes
  courts courtSlugs status isSample eligibility contactEmail phone url minimumAge maximumAge
  providingPartnership publishedDate suitableFor programmeTitle programmeProvider schemeDetails
  possibleOutcomes assessmentProcess freshness reviewDueAt lastReviewedAt updatedAt
  withdrawnAt withdrawalReason
  schedules { byday opensAt closesAt description }
  locations { name address1 city postalCode latitude longitude }
  contacts { name title email }"""
CHOICES = """
  localAuthorities { code name partnership }
  serviceTypes { code name }
  clientGroups { code name }
  referralRoutes { code name }
  courts { slug name localAuthority }"""
ONE_ENTRY = f"query OneEntry($id: ID!) {{ service(id: $id) {{ {ENTRY_FIELDS} }} {CHOICES} }}"
FORM_CHOICES = f"query FormChoices {{ {CHOICES} }}"
MANAGE_PAGE = """
query ManagePage($filter: ServiceFilter) {
  reviewQueue { id }
  services(filter: $filter, first: 100) {
    totalCount
    nodes { id name freshness reviewDueAt lastReviewedAt status localAuthorities isSample }
  }
}"""
CREATE_SERVICE = """
mutation CreateService($input: ServiceCreateInput!) { createService(input: $input) { id name } }"""
UPDATE_SERVICE = """
mutation UpdateService($id: ID!, $input: ServiceUpdateInput!) {
  updateService(id: $id, input: $input) { id name } }"""
WITHDRAW_SERVICE = """
mutation WithdrawService($id: ID!, $reason: String!) {
  withdrawService(id: $id, reason: $reason) { id name } }"""
MARK_REVIEWED = """
mutation MarkReviewed($id: ID!) { markServiceReviewed(id: $id) { id name reviewDueAt } }"""
SUGGEST = """
mutation Suggest($id: ID!, $input: SuggestionInput!) {
  suggestCorrection(serviceId: $id, input: $input) { id } }"""
SUGGESTIONS = """
query Suggestions { suggestions { id serviceId partnership field message status createdAt } }"""
RESOLVE = """
mutation Resolve($id: ID!) { resolveSuggestion(id: $id) { id status } }"""
FRESHNESS_TAGS = {
    "FRESH": ("green", "Reviewed"),
    "DUE_SOON": ("orange", "Review due soon"),
    "STALE": ("red", "Review overdue"),
}


class Court(GatewayModel):
    slug: str
    name: str
    local_authority: str


class Hours(GatewayModel):
    byday: str
    opens_at: str | None = None
    closes_at: str | None = None
    description: str | None = None


class Place(GatewayModel):
    name: str | None = None
    address_1: str | None = Field(default=None, alias="address1")
    city: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class Person(GatewayModel):
    name: str | None = None
    title: str | None = None
    email: str | None = None


class Entry(GatewayModel):
    """A directory entry with every field the keepers edit."""

    id: str
    name: str
    description: str | None = None
    organisation_name: str | None = None
    local_authorities: list[str] = Field(default_factory=list)
    service_types: list[str] = Field(default_factory=list)
    client_groups: list[str] = Field(default_factory=list)
    referral_routes: list[str] | None = None
    courts: list[str] = Field(default_factory=list)
    status: str = "active"
    is_sample: bool = False
    eligibility: str | None = None
    contact_email: str | None = None
    phone: str | None = None
    url: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    providing_partnership: str | None = None
    published_date: date | None = None
    suitable_for: str | None = None
    programme_title: str | None = None
    programme_provider: str | None = None
    scheme_details: str | None = None
    possible_outcomes: str | None = None
    assessment_process: str | None = None
    freshness: str = "FRESH"
    review_due_at: datetime | None = None
    last_reviewed_at: datetime | None = None
    updated_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdrawal_reason: str | None = None
    schedules: list[Hours] = Field(default_factory=list)
    locations: list[Place] = Field(default_factory=list)
    contacts: list[Person] | None = None


class Choices(GatewayModel):
    """What a service form offers: areas, types, client groups, referral routes, courts."""

    local_authorities: list[LocalAuthority] = Field(default_factory=list)
    service_types: list[ServiceType] = Field(default_factory=list)
    client_groups: list[ServiceType] = Field(default_factory=list)
    referral_routes: list[ServiceType] = Field(default_factory=list)
    courts: list[Court] = Field(default_factory=list)

    def names(self, kind: str) -> dict[str, str]:
        return {row.code: row.name for row in getattr(self, kind)}


class Suggestion(GatewayModel):
    id: str
    service_id: str
    partnership: str | None = None
    field: str | None = None
    message: str
    status: str
    created_at: datetime


async def load_entry(caller: Caller, service_id: str) -> tuple[Entry | None, Choices]:
    data = await caller.run(ONE_ENTRY, {"id": service_id})
    found = data.get("service")
    return (Entry.model_validate(found) if found else None), Choices.model_validate(data)


async def load_choices(caller: Caller) -> Choices:
    return Choices.model_validate(await caller.run(FORM_CHOICES))


async def load_suggestions(caller: Caller) -> list[Suggestion]:
    data = await caller.run(SUGGESTIONS)
    return [Suggestion.model_validate(row) for row in data.get("suggestions") or []]
