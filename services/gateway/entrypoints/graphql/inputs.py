"""Mutation inputs and payloads."""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry import UNSET


@strawberry.input(description="Weekly opening hours of a directory service.")
class OpeningHoursInput:
    byday: str = strawberry.field(description="RFC 5545 day codes, e.g. `MO,TU,WE`.")
    opens_at: str | None = strawberry.field(default=None, description="`HH:MM`, 24-hour.")
    closes_at: str | None = strawberry.field(default=None, description="`HH:MM`, 24-hour.")
    description: str | None = None


@strawberry.input(description="Where a service is delivered: one address and its coordinates.")
class PlaceInput:
    name: str | None = None
    address_1: str | None = None
    city: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@strawberry.input(description="A named person to contact about a service.")
class ContactInput:
    name: str | None = None
    title: str | None = None
    email: str | None = None


@strawberry.input(
    description="Fields of a directory service. On an update, omitted fields stay and `null` "
    "clears one; lists (types, courts, areas, hours, places, contacts) replace the old list."
)
class ServiceUpdateInput:
    name: str | None = UNSET
    description: str | None = UNSET
    status: str | None = strawberry.field(
        default=UNSET, description="`active`, `inactive`, `defunct` or `temporarily closed`."
    )
    local_authorities: list[str] | None = strawberry.field(
        default=UNSET, description="Local-authority codes, e.g. `fife`."
    )
    service_types: list[str] | None = UNSET
    client_groups: list[str] | None = UNSET
    referral_routes: list[str] | None = UNSET
    courts: list[str] | None = strawberry.field(
        default=UNSET, description="Court slugs or names, e.g. `Kirkcaldy Sheriff Court`."
    )
    eligibility: str | None = UNSET
    contact_email: str | None = UNSET
    phone: str | None = UNSET
    url: str | None = UNSET
    minimum_age: int | None = UNSET
    maximum_age: int | None = UNSET
    published_date: date | None = UNSET
    suitable_for: str | None = UNSET
    programme_title: str | None = UNSET
    programme_provider: str | None = UNSET
    scheme_details: str | None = UNSET
    possible_outcomes: str | None = UNSET
    assessment_process: str | None = UNSET
    schedules: list[OpeningHoursInput] | None = UNSET
    locations: list[PlaceInput] | None = UNSET
    contacts: list[ContactInput] | None = UNSET


@strawberry.input(description="A new directory service: a name, its areas and its organisation.")
class ServiceCreateInput(ServiceUpdateInput):
    name: str
    local_authorities: list[str]
    organisation_name: str | None = strawberry.field(
        default=None, description="The organisation running it (found by name, or added)."
    )
    organisation_id: str | None = None


@strawberry.input(description="A suggested correction to a directory entry (no account needed).")
class SuggestionInput:
    message: str = strawberry.field(description="What is wrong and what it should say.")
    field: str | None = strawberry.field(default=None, description="Which field, if one.")
    name: str | None = None
    email: str | None = None
    website: str | None = strawberry.field(
        default=None, description="Leave empty (a field for robots; a value refuses the request)."
    )


@strawberry.enum
class SubscriptionTargetKind(Enum):
    DELIVERABLE = "deliverable"
    AIM = "aim"
    PRIORITY_ACTION = "priority_action"
    LEAD_PARTNER = "lead_partner"
    ALL_DELIVERABLES = "all_deliverables"
    LOCAL_AUTHORITY = "local_authority"
    SERVICE_TYPE = "service_type"
    SERVICE = "service"


@strawberry.enum
class Frequency(Enum):
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"


@strawberry.input(description="Follow something by email (double opt-in: confirm from the email).")
class SubscribeInput:
    email: str
    target_kind: SubscriptionTargetKind
    target_value: str | None = None
    frequency: Frequency = Frequency.IMMEDIATELY


@strawberry.type
class SubscribePayload:
    status: str


@strawberry.type
class SubscriptionStatusPayload:
    status: str


def directory_fields(given: object) -> dict[str, Any]:
    """An input's given fields as the directory's JSON: same names, omitted ones left out."""
    return {
        field.name: _plain(getattr(given, field.name))
        for field in dataclasses.fields(given)  # type: ignore[arg-type]
        if getattr(given, field.name) is not UNSET
    }


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return directory_fields(value)
    return value
