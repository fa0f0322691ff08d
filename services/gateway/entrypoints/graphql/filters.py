"""Filters of the list queries, as GraphQL input types (no service calls here)."""

from __future__ import annotations

from datetime import date

import strawberry

from services.gateway.entrypoints.graphql.deliverable_status import DeliverableStatus


@strawberry.input(description="Narrow the deliverables; every field given must match.")
class DeliverableFilter:
    status: DeliverableStatus | None = None
    aim: int | None = None
    priority_action: int | None = None
    lead_partner: str | None = strawberry.field(
        default=None, description="An organisation slug, e.g. `police-scotland`."
    )
    search: str | None = strawberry.field(
        default=None, description="Full text over the text, further detail and every update."
    )
    collaborator: str | None = strawberry.field(
        default=None, description="An organisation slug among the collaborators."
    )
    overdue: bool | None = strawberry.field(
        default=None, description="Only deliverables past their due date and not complete."
    )
    due_before: date | None = strawberry.field(
        default=None, description="Only deliverables due before this date."
    )


@strawberry.input(
    description="A place to search around (one of `court`, `postcode`, or `latitude` with "
    "`longitude`) and how far; results come nearest first with `distanceMiles`."
)
class NearPlace:
    court: str | None = strawberry.field(
        default=None, description="A sheriff court slug (`dunfermline`) or name."
    )
    postcode: str | None = strawberry.field(
        default=None, description="A postcode, once an operator has loaded the postcode table."
    )
    latitude: float | None = strawberry.field(default=None, description="WGS84 degrees north.")
    longitude: float | None = strawberry.field(default=None, description="WGS84 degrees east.")
    within_miles: float = strawberry.field(
        default=10.0, description="The radius in miles (above 0, at most 500)."
    )


@strawberry.input(description="Narrow the directory services; every field given must match.")
class ServiceFilter:
    local_authority: str | None = strawberry.field(
        default=None, description="A local-authority code, e.g. `fife`."
    )
    service_type: str | None = strawberry.field(
        default=None, description="A service-type code, e.g. `cpo-unpaid-work`."
    )
    search: str | None = strawberry.field(
        default=None, description="Full text, typo-tolerant (e.g. `bial suprevision`)."
    )
    court: str | None = strawberry.field(
        default=None, description="A court slug (`glasgow`) or name (`Glasgow Sheriff Court`)."
    )
    client_group: str | None = strawberry.field(
        default=None, description="A client-group code, e.g. `women`."
    )
    age: int | None = strawberry.field(default=None, description="The person's age in years.")
    referral_route: str | None = strawberry.field(
        default=None, description="A referral-route code, e.g. `self-referral`."
    )
    open_now: bool | None = strawberry.field(
        default=None, description="Only services open at this moment (by their schedules)."
    )
    near: NearPlace | None = strawberry.field(
        default=None, description="Only services located within a distance of a place."
    )
