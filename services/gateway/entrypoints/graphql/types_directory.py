"""GraphQL types of the services directory (owned by the directory service)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

import strawberry

from services.gateway.entrypoints.graphql.connections import Edge, PageInfo, page_from
from services.gateway.entrypoints.graphql.context import Info
from services.gateway.entrypoints.graphql.cursors import PageRequest, page_request
from services.gateway.entrypoints.graphql.filters import ServiceFilter
from services.gateway.entrypoints.graphql.types_deliverables import (
    Deliverable,
    deliverable_from_api,
)
from services.gateway.entrypoints.graphql.types_service_parts import (
    Freshness,
    OpeningHours,
    Place,
    ServiceChange,
    ServiceContact,
    change_from_api,
    contacts_from_api,
    day,
    freshness_of,
    hours_from_api,
    places_from_api,
)
from services.gateway.use_cases import reads
from shared.identity import Role

# Who may see how to refer someone directly (judiciary-only fields are hidden from the public).
REFERRAL_READERS = frozenset({Role.JUDICIARY, Role.DIRECTORY_EDITOR, Role.COORDINATOR})
# The delivery plan names local authorities collectively as one lead partner.
LOCAL_AUTHORITIES_PARTNER = "local-authorities"


@strawberry.type
class ServiceType:
    code: str
    name: str


@strawberry.type(description="A community justice service in the directory.")
class Service:
    id: strawberry.ID
    name: str
    description: str | None
    organisation_name: str | None
    local_authorities: list[str]
    service_types: list[str]
    status: str
    is_sample: bool
    courts: list[str]
    eligibility: str | None
    last_reviewed_at: datetime | None
    updated_at: datetime | None
    _referral_routes: strawberry.Private[list[str]]
    _contact_email: strawberry.Private[str | None]
    _phone: strawberry.Private[str | None]
    distance_miles: float | None = strawberry.field(
        default=None,
        description="Miles (great circle) from the place searched near to the service's nearest "
        "location; null outside a `near` search.",
    )
    organisation_id: str | None = None
    court_slugs: list[str] = strawberry.field(default_factory=list)
    client_groups: list[str] = strawberry.field(default_factory=list)
    minimum_age: int | None = None
    maximum_age: int | None = None
    url: str | None = None
    providing_partnership: str | None = strawberry.field(
        default=None, description="The community justice partnership that keeps this entry."
    )
    published_date: date | None = None
    suitable_for: str | None = None
    programme_title: str | None = None
    programme_provider: str | None = None
    scheme_details: str | None = None
    possible_outcomes: str | None = None
    assessment_process: str | None = None
    freshness: Freshness = strawberry.field(
        default=Freshness.FRESH, description="Fresh, due for review within 30 days, or stale."
    )
    review_due_at: datetime | None = strawberry.field(
        default=None, description="When the six-monthly review falls due."
    )
    withdrawn_at: datetime | None = None
    withdrawal_reason: str | None = None
    created_at: datetime | None = None
    schedules: list[OpeningHours] = strawberry.field(default_factory=list)
    locations: list[Place] = strawberry.field(default_factory=list)
    _contacts: strawberry.Private[list[ServiceContact]] = dataclasses.field(default_factory=list)

    @strawberry.field(description="People to contact (judiciary and editors only; else null).")
    def contacts(self, info: Info) -> list[ServiceContact] | None:
        return self._contacts if info.context.role in REFERRAL_READERS else None

    @strawberry.field(description="Every change, oldest first (signed-in users only).")
    async def history(self, info: Info) -> list[ServiceChange] | None:
        rows = await reads.service_history(info.context, str(self.id))
        return [change_from_api(row) for row in rows]

    @strawberry.field(description="How to refer someone (judiciary and editors only; else null).")
    def referral_routes(self, info: Info) -> list[str] | None:
        return self._referral_routes if info.context.role in REFERRAL_READERS else None

    @strawberry.field(description="Direct referral email (judiciary and editors only; else null).")
    def contact_email(self, info: Info) -> str | None:
        return self._contact_email if info.context.role in REFERRAL_READERS else None

    @strawberry.field(description="Direct referral phone (judiciary and editors only; else null).")
    def phone(self, info: Info) -> str | None:
        return self._phone if info.context.role in REFERRAL_READERS else None

    @strawberry.field(description="The local-authority areas the service covers, in full.")
    async def local_authority_details(self, info: Info) -> list[LocalAuthority] | None:
        areas = [await info.context.loaders.local_authority(c) for c in self.local_authorities]
        return [local_authority_from_api(a) for a in areas if a is not None]


@strawberry.type(description="One value of a facet and how many services match it.")
class FacetValue:
    value: str
    label: str | None
    count: int


@strawberry.type(description="Counts per value of one filter (without that filter's own value).")
class Facet:
    field: str = strawberry.field(
        description="`localAuthority`, `court`, `serviceType`, `clientGroup` or `referralRoute`."
    )
    values: list[FacetValue]


@strawberry.type(description="A page of directory services.")
class ServiceConnection:
    total_count: int
    edges: list[Edge[Service]]
    page_info: PageInfo
    facets: list[Facet] | None = strawberry.field(
        default=None, description="Counts per filter value, e.g. `Bail supervision (12)`."
    )
    corrected_query: str | None = strawberry.field(
        default=None, description="The search as typo correction read it, if it changed it."
    )

    @strawberry.field
    def nodes(self) -> list[Service]:
        return [edge.node for edge in self.edges]


@strawberry.type(description="One of Scotland's 32 local-authority areas.")
class LocalAuthority:
    code: str
    name: str
    partnership: str | None

    @strawberry.field(description="Directory services in this area.")
    async def services(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> ServiceConnection | None:
        page = page_request(first, after, max_page_size=info.context.settings.max_page_size)
        chosen = ServiceFilter(local_authority=self.code)
        answer = await reads.services_page(info.context, chosen, page, facets=False)
        return service_connection_from_api(answer, page)

    @strawberry.field(description="Deliverables led by local authorities (a collective partner).")
    async def led_deliverables(self, info: Info) -> list[Deliverable] | None:
        led = await info.context.loaders.deliverables_led_by(LOCAL_AUTHORITIES_PARTNER)
        return [deliverable_from_api(item) for item in led]


def local_authority_from_api(data: dict[str, Any]) -> LocalAuthority:
    return LocalAuthority(code=data["code"], name=data["name"], partnership=data.get("partnership"))


def service_from_api(data: dict[str, Any]) -> Service:
    organisation = data.get("organisation") or {}
    return Service(
        id=strawberry.ID(str(data["id"])),
        name=data["name"],
        description=data.get("description"),
        organisation_name=organisation.get("name"),
        local_authorities=list(data.get("local_authorities", [])),
        service_types=list(data.get("service_types", [])),
        status=data.get("status") or "unknown",
        is_sample=bool(data.get("is_sample", False)),
        courts=list(data.get("courts") or []),
        eligibility=data.get("eligibility"),
        last_reviewed_at=_parse_datetime(data.get("last_reviewed_at")),
        updated_at=_parse_datetime(data.get("updated_at")),
        _referral_routes=list(data.get("referral_routes") or []),
        _contact_email=data.get("contact_email"),
        _phone=data.get("phone"),
        distance_miles=data.get("distance_miles"),
        **_details_from_api(data),
    )


def _details_from_api(data: dict[str, Any]) -> dict[str, Any]:
    """Everything beyond the summary: incumbent fields, places, hours, contacts, freshness."""
    texts = ("url", "providing_partnership", "suitable_for", "programme_title",
             "programme_provider", "scheme_details", "possible_outcomes", "assessment_process",
             "withdrawal_reason", "minimum_age", "maximum_age")  # fmt: skip
    return {
        **{name: data.get(name) for name in texts},
        "organisation_id": (data.get("organisation") or {}).get("id"),
        "court_slugs": list(data.get("court_slugs") or []),
        "client_groups": list(data.get("client_groups") or []),
        "published_date": day(data.get("published_date")),
        "freshness": freshness_of(data.get("freshness")),
        "review_due_at": _parse_datetime(data.get("review_due_at")),
        "withdrawn_at": _parse_datetime(data.get("withdrawn_at")),
        "created_at": _parse_datetime(data.get("created_at")),
        "schedules": hours_from_api(data.get("schedules") or []),
        "locations": places_from_api(data.get("locations") or []),
        "_contacts": contacts_from_api(data.get("contacts") or []),
    }


def service_connection_from_api(answer: dict[str, Any], page: PageRequest) -> ServiceConnection:
    """The directory's page (with facets and the corrected query, if any) as a connection."""
    edges, page_info = page_from(answer["items"], answer["total"], page, service_from_api)
    return ServiceConnection(
        total_count=answer["total"],
        edges=edges,
        page_info=page_info,
        facets=facets_from_api(answer.get("facets") or {}),
        corrected_query=answer.get("corrected_query"),
    )


def _parse_datetime(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def facets_from_api(data: dict[str, list[dict[str, Any]]]) -> list[Facet] | None:
    """The directory's ``{field: [{value, name, count}]}`` as a list; None when not counted."""
    if not data:
        return None
    return [
        Facet(
            field=_camel(field),
            values=[
                FacetValue(value=str(v["value"]), label=v.get("name"), count=int(v["count"]))
                for v in values
            ],
        )
        for field, values in data.items()
    ]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
