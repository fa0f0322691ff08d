"""Write use cases behind the mutations: one call to the owning service each.

The services decide who may change what; their refusals (403, 404, 409, 422) come back as typed
GraphQL errors through ``upstream.Upstream`` (the one place that maps them), so nothing is read
before a write.
"""

from __future__ import annotations

from typing import Any

from services.gateway.adapters.tokens import issue_token
from services.gateway.adapters.upstream import segment
from services.gateway.entrypoints.graphql.context import GatewayContext
from services.gateway.entrypoints.graphql.deliverable_status import DeliverableStatus
from services.gateway.entrypoints.graphql.inputs import (
    ServiceUpdateInput,
    SubscribeInput,
    SubscriptionTargetKind,
    directory_fields,
)
from services.gateway.entrypoints.graphql.subscription_checks import (
    ensure_target_exists,
    spend_subscription_budgets,
)
from services.gateway.entrypoints.graphql.types_deliverables import (
    Deliverable,
    deliverable_from_api,
)
from services.gateway.entrypoints.graphql.types_directory import Service, service_from_api
from services.gateway.entrypoints.graphql.types_user import SignInPayload, user_from_identity
from services.gateway.errors import bad_input, unauthenticated
from services.gateway.use_cases.signing_in import SignInAttempt, sign_in_with_password


async def sign_in(context: GatewayContext, email: str, password: str) -> SignInPayload:
    if not context.settings.local_accounts_enabled:
        raise unauthenticated("Local sign-in is switched off here; sign in with your organisation.")
    attempt = SignInAttempt(email=email, password=password, address=context.client_address)
    identity = await sign_in_with_password(
        context.runtime.engine, attempt, context.settings.sign_in_policy
    )
    issued = issue_token(identity, context.settings)
    return SignInPayload(
        token=issued.token, expires_at=issued.expires_at, user=user_from_identity(identity)
    )


async def change_deliverable_status(
    context: GatewayContext, number: int, status: DeliverableStatus, reason: str | None
) -> Deliverable:
    changed = await context.upstreams.deliverables.post(
        f"/deliverables/{number}/status", {"status": status.value, "reason": reason}
    )
    context.loaders.deliverable.prime(number, changed, force=True)
    return deliverable_from_api(changed)


async def change_service(
    context: GatewayContext, service_id: str, update: ServiceUpdateInput
) -> Service:
    changes = _service_changes(update)
    path = f"/services/{segment(service_id)}"
    changed = await context.upstreams.directory.patch(path, changes)
    context.loaders.service.prime(service_id, changed, force=True)
    return service_from_api(changed)


def _service_changes(update: ServiceUpdateInput) -> dict[str, Any]:
    given = directory_fields(update)
    if not given:
        raise bad_input("Give at least one field to change.", field="input")
    return given


async def subscribe(context: GatewayContext, request: SubscribeInput) -> str:
    kind = request.target_kind
    value = (request.target_value or "").strip() or None
    if kind is not SubscriptionTargetKind.ALL_DELIVERABLES and value is None:
        raise bad_input("Say what to follow in `targetValue`.", field="targetValue")
    await spend_subscription_budgets(context, request.email)
    await ensure_target_exists(context, kind, value)
    body = {
        "email": request.email.strip(),
        "target": {"kind": kind.value, "value": value},
        "frequency": request.frequency.value,
    }
    answer = await context.upstreams.notifications.post("/subscriptions", body)
    return str(answer["status"])


async def confirm_subscription(context: GatewayContext, token: str) -> str:
    answer = await context.upstreams.notifications.post("/subscriptions/confirm", {"token": token})
    return str(answer["status"])


async def unsubscribe(context: GatewayContext, token: str) -> str:
    answer = await context.upstreams.notifications.post(
        "/subscriptions/unsubscribe", {"token": token}
    )
    return str(answer["status"])
