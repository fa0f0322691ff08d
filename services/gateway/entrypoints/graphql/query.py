"""Read operations. Fields that need a service are nullable: one service down means partial data."""

from __future__ import annotations

from typing import cast

import strawberry
from strawberry.scalars import JSON

from services.gateway.entrypoints.graphql.context import Info
from services.gateway.entrypoints.graphql.cursors import page_request
from services.gateway.entrypoints.graphql.filters import DeliverableFilter, ServiceFilter
from services.gateway.entrypoints.graphql.operations import OperatorQueries
from services.gateway.entrypoints.graphql.selection import selects
from services.gateway.entrypoints.graphql.types_alerts import AlertSubscription, my_subscriptions
from services.gateway.entrypoints.graphql.types_deliverables import (
    Aim,
    Deliverable,
    DeliverableConnection,
    Organisation,
    aim_from_api,
    deliverable_connection_from_api,
    deliverable_from_api,
    organisation_from_api,
)
from services.gateway.entrypoints.graphql.types_directory import (
    LocalAuthority,
    Service,
    ServiceConnection,
    ServiceType,
    local_authority_from_api,
    service_connection_from_api,
    service_from_api,
)
from services.gateway.entrypoints.graphql.types_rounds import (
    AimStatusCounts,
    ExportFormat,
    ReportingRound,
    counts_from_api,
    round_from_api,
)
from services.gateway.entrypoints.graphql.types_service_parts import (
    Court,
    Suggestion,
    suggestion_from_api,
)
from services.gateway.entrypoints.graphql.types_user import User, user_from_identity
from services.gateway.use_cases import reads

OPEN = "open"


async def _all_rounds(info: Info) -> list[ReportingRound]:
    """Every round, oldest first; ``rounds``, ``round`` and ``openRound`` share one call."""
    return [round_from_api(row) for row in await info.context.loaders.rounds()]


@strawberry.type
class Query(OperatorQueries):
    @strawberry.field(description="The signed-in user, or null for a public caller.")
    def me(self, info: Info) -> User | None:
        identity = info.context.identity
        return user_from_identity(identity) if identity else None

    @strawberry.field(description="The aims of the delivery plan with their priority actions.")
    async def aims(self, info: Info) -> list[Aim] | None:
        return [aim_from_api(a) for a in await info.context.loaders.aims()]

    @strawberry.field(description="Every partner organisation of the delivery plan.")
    async def organisations(self, info: Info) -> list[Organisation] | None:
        return [organisation_from_api(o) for o in await info.context.loaders.organisations()]

    @strawberry.field(description="One deliverable by its number, or null if there is none.")
    async def deliverable(self, info: Info, number: int) -> Deliverable | None:
        found = await info.context.loaders.deliverable.load(number)
        return deliverable_from_api(found) if found else None

    @strawberry.field(description="Deliverables by number, a page at a time (`first` ≤ max).")
    async def deliverables(
        self,
        info: Info,
        filter: DeliverableFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> DeliverableConnection | None:
        page = page_request(first, after, max_page_size=info.context.settings.max_page_size)
        answer = await reads.deliverables_page(info.context, filter or DeliverableFilter(), page)
        return deliverable_connection_from_api(answer, page)

    @strawberry.field(description="Deliverables counted by status for each aim.")
    async def status_counts(self, info: Info) -> list[AimStatusCounts] | None:
        return [counts_from_api(row) for row in await reads.status_counts(info.context)]

    @strawberry.field(description="Every reporting round, oldest first.")
    async def rounds(self, info: Info) -> list[ReportingRound] | None:
        return await _all_rounds(info)

    @strawberry.field(description="One reporting round by number, or null if there is none.")
    async def round(self, info: Info, number: int) -> ReportingRound | None:
        return next((r for r in await _all_rounds(info) if r.number == number), None)

    @strawberry.field(description="The round open for updates, or null if none is open.")
    async def open_round(self, info: Info) -> ReportingRound | None:
        return next((r for r in await _all_rounds(info) if r.state == OPEN), None)

    @strawberry.field(description="A round as its published document's text (coordinators only).")
    async def export_plan(self, info: Info, round: int, format: ExportFormat) -> str | None:
        return await reads.exported_plan(info.context, round, format.value)

    @strawberry.field(description="All 32 local-authority areas.")
    async def local_authorities(self, info: Info) -> list[LocalAuthority] | None:
        areas = await info.context.loaders.local_authorities()
        return [local_authority_from_api(a) for a in areas]

    @strawberry.field(description="One local-authority area by its code, e.g. `fife`.")
    async def local_authority(self, info: Info, code: str) -> LocalAuthority | None:
        found = await info.context.loaders.local_authority(code)
        return local_authority_from_api(found) if found else None

    @strawberry.field(description="The directory's taxonomy of service types.")
    async def service_types(self, info: Info) -> list[ServiceType] | None:
        types = await info.context.loaders.service_types()
        return [ServiceType(code=t["code"], name=t["name"]) for t in types]

    @strawberry.field(description="The client groups a directory service may be for.")
    async def client_groups(self, info: Info) -> list[ServiceType] | None:
        terms = await reads.directory_terms(info.context, "cjp-client-groups")
        return [ServiceType(code=t["code"], name=t["name"]) for t in terms]

    @strawberry.field(description="The ways someone may be referred to a directory service.")
    async def referral_routes(self, info: Info) -> list[ServiceType] | None:
        terms = await reads.directory_terms(info.context, "cjp-referral-routes")
        return [ServiceType(code=t["code"], name=t["name"]) for t in terms]

    @strawberry.field(description="Scotland's courts, with the area each sits in.")
    async def courts(self, info: Info) -> list[Court] | None:
        rows = await reads.courts(info.context)
        return [Court(slug=c["slug"], name=c["name"], local_authority=c["local_authority"])
                for c in rows]  # fmt: skip

    @strawberry.field(description="One directory service by id, or null if there is none.")
    async def service(self, info: Info, id: strawberry.ID) -> Service | None:
        found = await info.context.loaders.service.load(str(id))
        return service_from_api(found) if found else None

    @strawberry.field(description="Directory services, a page at a time (`first` ≤ max).")
    async def services(
        self,
        info: Info,
        filter: ServiceFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> ServiceConnection | None:
        page = page_request(first, after, max_page_size=info.context.settings.max_page_size)
        chosen = filter or ServiceFilter()
        answer = await reads.services_page(
            info.context, chosen, page, facets=selects(info, "facets")
        )
        return service_connection_from_api(answer, page)

    @strawberry.field(
        description="A directory editor's entries (a coordinator: all) that are stale or due for "
        "review within 30 days, most overdue first."
    )
    async def review_queue(self, info: Info) -> list[Service] | None:
        return [service_from_api(row) for row in await reads.review_queue(info.context)]

    @strawberry.field(
        description="Suggested corrections for the editor's partnership (a coordinator: all)."
    )
    async def suggestions(self, info: Info, status: str = "open") -> list[Suggestion] | None:
        rows = await reads.suggestions(info.context, status)
        return [suggestion_from_api(row) for row in rows]

    @strawberry.field(description="The whole directory as one HSDS 3.0 JSON document.")
    async def export_directory(self, info: Info) -> JSON | None:
        return cast(JSON, await reads.exported_directory(info.context))

    @strawberry.field(
        description="The email alerts of whoever holds `manageToken` (the link in any alert email)."
    )
    async def my_subscriptions(
        self, info: Info, manage_token: str
    ) -> list[AlertSubscription] | None:
        return await my_subscriptions(info.context, manage_token)
