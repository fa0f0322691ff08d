"""A subscriber's email alerts (owned by the notifications service) joined to what they follow."""

from __future__ import annotations

from typing import Any

import strawberry

from services.gateway.entrypoints.graphql.context import GatewayContext, Info
from services.gateway.entrypoints.graphql.inputs import Frequency, SubscriptionTargetKind
from services.gateway.entrypoints.graphql.types_deliverables import (
    Deliverable,
    deliverable_from_api,
)
from services.gateway.entrypoints.graphql.types_directory import (
    LocalAuthority,
    Service,
    local_authority_from_api,
    service_from_api,
)
from services.gateway.errors import GatewayError
from services.gateway.use_cases import reads


@strawberry.type(description="One email alert a subscriber receives, with what it points at.")
class AlertSubscription:
    id: strawberry.ID
    kind: SubscriptionTargetKind
    value: str = strawberry.field(description="The followed thing's number, slug, code or id.")
    frequency: Frequency
    transition: str = strawberry.field(
        description="Which changes it wants, e.g. `any`, `status_changed`, `complete`."
    )
    status: str = strawberry.field(description="`confirmed` or `pending_confirmation`.")
    confirmed: bool

    @strawberry.field(description="The deliverable followed (kind DELIVERABLE), else null.")
    async def deliverable(self, info: Info) -> Deliverable | None:
        if self.kind is not SubscriptionTargetKind.DELIVERABLE or not self.value.isdigit():
            return None
        found = await info.context.loaders.deliverable.load(int(self.value))
        return deliverable_from_api(found) if found else None

    @strawberry.field(description="The directory service followed (kind SERVICE), else null.")
    async def service(self, info: Info) -> Service | None:
        if self.kind is not SubscriptionTargetKind.SERVICE:
            return None
        found = await info.context.loaders.service.load(self.value)
        return service_from_api(found) if found else None

    @strawberry.field(description="The area followed (kind LOCAL_AUTHORITY), else null.")
    async def local_authority(self, info: Info) -> LocalAuthority | None:
        if self.kind is not SubscriptionTargetKind.LOCAL_AUTHORITY:
            return None
        found = await info.context.loaders.local_authority(self.value)
        return local_authority_from_api(found) if found else None


async def my_subscriptions(context: GatewayContext, manage_token: str) -> list[AlertSubscription]:
    """The holder's alerts; a refused token is named as this query's argument."""
    try:
        answer = await reads.subscriptions_of(context, manage_token)
    except GatewayError as error:
        if error.field == "token":  # named as this query's argument
            raise GatewayError(error.code, error.message, field="manageToken") from error
        raise
    return [alert_from_api(item) for item in answer["items"]]


def alert_from_api(data: dict[str, Any]) -> AlertSubscription:
    return AlertSubscription(
        id=strawberry.ID(str(data["id"])),
        kind=SubscriptionTargetKind(data["target"]["kind"]),
        value=str(data["target"].get("value") or ""),
        frequency=Frequency(data["frequency"]),
        transition=str(data.get("transition") or "any"),
        status=str(data["status"]),
        confirmed=bool(data.get("confirmed")),
    )
