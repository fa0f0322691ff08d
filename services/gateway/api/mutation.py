"""Write operations: thin resolvers over ``api.changes`` and ``api.plan_changes``.

One mutation per write. Refusals are GraphQL errors with ``extensions.code`` (FORBIDDEN,
NOT_FOUND, CONFLICT, BAD_USER_INPUT, ...); the older ``change*`` twins that return
``... | UserError`` are deprecated and kept for one release.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, TypeVar

import strawberry

from services.gateway.api import changes, plan_changes
from services.gateway.api.context import Info
from services.gateway.api.deliverable_status import DeliverableStatus
from services.gateway.api.inputs import (
    ServiceUpdateInput,
    SubscribeInput,
    SubscribePayload,
    SubscriptionStatusPayload,
)
from services.gateway.api.types_deliverables import Deliverable
from services.gateway.api.types_directory import Service
from services.gateway.api.types_rounds import (
    DeliverableUpdateInput,
    ImportPlanResult,
    ReportingRound,
)
from services.gateway.api.types_user import SignInPayload
from services.gateway.errors import ErrorCode as ErrorCodeValue
from services.gateway.errors import GatewayError

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
class Mutation:
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

    @strawberry.mutation(description="Import a published edition's text (coordinators only).")
    async def import_plan(self, info: Info, document: str) -> ImportPlanResult:
        return await plan_changes.import_plan(info.context, document)

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
