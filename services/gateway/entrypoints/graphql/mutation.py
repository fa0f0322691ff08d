"""Write operations: thin resolvers over ``use_cases.changes`` and ``use_cases.plan_changes``.

One mutation per write. Refusals are GraphQL errors with ``extensions.code`` (FORBIDDEN,
NOT_FOUND, CONFLICT, BAD_USER_INPUT, ...); the older ``change*`` twins that return
``... | UserError`` are deprecated and kept for one release.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, TypeVar

import strawberry
from strawberry.scalars import JSON

from services.gateway.entrypoints.graphql.context import Info
from services.gateway.entrypoints.graphql.deliverable_status import DeliverableStatus
from services.gateway.entrypoints.graphql.inputs import (
    ServiceCreateInput,
    ServiceUpdateInput,
    SubscribeInput,
    SubscribePayload,
    SubscriptionStatusPayload,
    SuggestionInput,
)
from services.gateway.entrypoints.graphql.operations import OperatorMutations
from services.gateway.entrypoints.graphql.types_deliverables import Deliverable
from services.gateway.entrypoints.graphql.types_directory import Service
from services.gateway.entrypoints.graphql.types_rounds import (
    DeliverableUpdateInput,
    ImportPlanResult,
    ReportingRound,
)
from services.gateway.entrypoints.graphql.types_service_parts import (
    DirectoryImportResult,
    Suggestion,
)
from services.gateway.entrypoints.graphql.types_user import SignInPayload
from services.gateway.errors import ErrorCode as ErrorCodeValue
from services.gateway.errors import GatewayError
from services.gateway.use_cases import changes, directory_changes, plan_changes

ErrorCode = strawberry.enum(ErrorCodeValue, description="Why a request failed.")
Changed = TypeVar("Changed")
# One mutation per write; the union-returning twins stay for one release (removed in 0.3).
DEPRECATED_FOR = (
    "Use `{}`: refusals arrive as errors with `extensions.code`. Removed in the next release."
)


@strawberry.type(description="A refusal a person can act on, returned instead of the object.")
class UserError:
    code: ErrorCode  # type: ignore[valid-type]
    message: str
    field: str | None


DeliverableChangeResult = Annotated[
    Deliverable | UserError, strawberry.union("DeliverableChangeResult")
]
ServiceChangeResult = Annotated[Service | UserError, strawberry.union("ServiceChangeResult")]


async def _or_user_error(change: Awaitable[Changed]) -> Changed | UserError:
    try:
        return await change
    except GatewayError as error:
        return UserError(code=error.code, message=error.message, field=error.field)


@strawberry.type
class Mutation(OperatorMutations):
    @strawberry.mutation(description="Sign in with a local account; returns a short-lived token.")
    async def sign_in(self, info: Info, email: str, password: str) -> SignInPayload:
        return await changes.sign_in(info.context, email, password)

    @strawberry.mutation(description="Change a deliverable's status (lead partner or coordinator).")
    async def update_deliverable_status(
        self, info: Info, number: int, status: DeliverableStatus, reason: str | None = None
    ) -> Deliverable:
        return await changes.change_deliverable_status(info.context, number, status, reason)

    @strawberry.mutation(
        description="As updateDeliverableStatus, with refusals as a UserError.",
        deprecation_reason=DEPRECATED_FOR.format("updateDeliverableStatus"),
    )
    async def change_deliverable_status(
        self, info: Info, number: int, status: DeliverableStatus, reason: str | None = None
    ) -> DeliverableChangeResult:
        change = changes.change_deliverable_status(info.context, number, status, reason)
        return await _or_user_error(change)

    @strawberry.mutation(description="Open the next reporting round (coordinators only).")
    async def open_reporting_round(
        self, info: Info, name: str, period_covered: str | None = None
    ) -> ReportingRound:
        return await plan_changes.open_reporting_round(info.context, name, period_covered)

    @strawberry.mutation(description="A lead partner's update on a deliverable in an open round.")
    async def submit_deliverable_update(
        self, info: Info, round: int, number: int, input: DeliverableUpdateInput
    ) -> Deliverable:
        return await plan_changes.submit_deliverable_update(info.context, round, number, input)

    @strawberry.mutation(description="Revise a deliverable's timescale, with the reason.")
    async def revise_timescale(
        self, info: Info, number: int, timescale: str, reason: str
    ) -> Deliverable:
        return await plan_changes.revise_timescale(info.context, number, timescale, reason)

    @strawberry.mutation(description="Publish (freeze) a round as the next edition (coordinators).")
    async def publish_round(self, info: Info, number: int) -> ReportingRound:
        return await plan_changes.publish_round(info.context, number)

    @strawberry.mutation(
        description="Import a published edition's text (coordinators only); with `dryRun` the "
        "import runs and is rolled back, a preview of what it would add, change and revise."
    )
    async def import_plan(
        self, info: Info, document: str, dry_run: bool = False
    ) -> ImportPlanResult:
        return await plan_changes.import_plan(info.context, document, dry_run)

    @strawberry.mutation(
        description="Change a directory service (its area's editor or coordinator)."
    )
    async def update_service(
        self, info: Info, id: strawberry.ID, input: ServiceUpdateInput
    ) -> Service:
        return await changes.change_service(info.context, str(id), input)

    @strawberry.mutation(
        description="As updateService, with refusals as a UserError.",
        deprecation_reason=DEPRECATED_FOR.format("updateService"),
    )
    async def change_service(
        self, info: Info, id: strawberry.ID, input: ServiceUpdateInput
    ) -> ServiceChangeResult:
        return await _or_user_error(changes.change_service(info.context, str(id), input))

    @strawberry.mutation(
        description="Add a directory service with every field (a coordinator, or a directory "
        "editor placing it in their own area); raises ServiceCreated."
    )
    async def create_service(self, info: Info, input: ServiceCreateInput) -> Service:
        return await directory_changes.create_service(info.context, input)

    @strawberry.mutation(description="Withdraw a service that no longer runs, saying why.")
    async def withdraw_service(self, info: Info, id: strawberry.ID, reason: str) -> Service:
        return await directory_changes.withdraw_service(info.context, str(id), reason)

    @strawberry.mutation(
        description="Record that a service was checked and is correct: its review clock restarts."
    )
    async def mark_service_reviewed(
        self, info: Info, id: strawberry.ID, note: str | None = None
    ) -> Service:
        return await directory_changes.mark_reviewed(info.context, str(id), note)

    @strawberry.mutation(
        description="Suggest a correction to a service (anyone, no account; rate-limited per "
        "client). It goes to the partnership that keeps the entry."
    )
    async def suggest_correction(
        self, info: Info, service_id: strawberry.ID, input: SuggestionInput
    ) -> Suggestion:
        return await directory_changes.suggest_correction(info.context, str(service_id), input)

    @strawberry.mutation(description="Mark a suggested correction as dealt with (its keepers).")
    async def resolve_suggestion(self, info: Info, id: strawberry.ID) -> Suggestion:
        return await directory_changes.resolve_suggestion(info.context, str(id))

    @strawberry.mutation(
        description="Import an HSDS 3.0 JSON document with nested services (coordinators only); "
        "entries keep their ids; all or nothing, a refusal names the place (`services[3].name`)."
    )
    async def import_directory(self, info: Info, document: JSON) -> DirectoryImportResult:
        return await directory_changes.import_directory(info.context, document)

    @strawberry.mutation(description="Follow something by email; a confirmation email is sent.")
    async def subscribe(self, info: Info, input: SubscribeInput) -> SubscribePayload:
        return SubscribePayload(status=await changes.subscribe(info.context, input))

    @strawberry.mutation(description="Confirm a subscription with the token from its email.")
    async def confirm_subscription(self, info: Info, token: str) -> SubscriptionStatusPayload:
        status = await changes.confirm_subscription(info.context, token)
        return SubscriptionStatusPayload(status=status)

    @strawberry.mutation(description="Stop a subscription with the token from any of its emails.")
    async def unsubscribe(self, info: Info, token: str) -> SubscriptionStatusPayload:
        return SubscriptionStatusPayload(status=await changes.unsubscribe(info.context, token))
