"""Before a subscription is forwarded: the caller's budgets, and a target that exists.

Anyone may subscribe, so the gateway limits requests per client address and per subscriber
address (each with its own budget in the gateway database), and checks the target against the
service that owns it, so `no-such-area` or `<script>` never reach notifications.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from services.gateway.adapters.rate_limits import Limit
from services.gateway.adapters.upstream import segment
from services.gateway.entrypoints.graphql.context import GatewayContext
from services.gateway.entrypoints.graphql.inputs import SubscriptionTargetKind
from services.gateway.errors import ErrorCode, GatewayError, bad_input

Kind = SubscriptionTargetKind


async def spend_subscription_budgets(context: GatewayContext, email: str) -> None:
    settings = context.settings
    subscriber = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
    limits = [
        Limit(
            "subscribe-from:" + context.client_address,
            per_minute=settings.subscribe_per_minute_per_client,
            burst=settings.subscribe_burst_per_client,
        ),
        Limit(
            "subscribe-for:" + subscriber,
            per_minute=settings.subscribe_per_minute_per_subscriber,
            burst=settings.subscribe_burst_per_subscriber,
        ),
    ]
    wait = await context.runtime.rate_limiter.wait_for(limits)
    if wait:
        raise GatewayError(
            ErrorCode.RATE_LIMITED,
            f"Too many subscription requests; wait {math.ceil(wait)} s and try again.",
        )


async def ensure_target_exists(context: GatewayContext, kind: Kind, value: str | None) -> None:
    """Refuse (``BAD_USER_INPUT`` on ``targetValue``) a target its service does not know."""
    if kind is Kind.ALL_DELIVERABLES or value is None:
        return
    try:
        exists = await _exists(context, kind, value)
    except GatewayError as error:
        if error.code is not ErrorCode.NOT_FOUND:  # segment(): not even a possible id
            raise
        exists = False
    if not exists:
        raise bad_input(
            f"There is no {kind.value.replace('_', ' ')} {value!r} to follow.", field="targetValue"
        )


async def _exists(context: GatewayContext, kind: Kind, value: str) -> bool:
    deliverables, directory = context.upstreams.deliverables, context.upstreams.directory
    if kind is Kind.DELIVERABLE:
        return value.isdigit() and await _found(deliverables, f"/deliverables/{int(value)}")
    if kind is Kind.SERVICE:
        return await _found(directory, f"/services/{segment(value)}")
    if kind in (Kind.AIM, Kind.PRIORITY_ACTION):
        aims: list[dict[str, Any]] = await deliverables.get("/aims")
        if kind is Kind.AIM:
            return value in {str(aim["number"]) for aim in aims}
        return value in {str(pa["number"]) for aim in aims for pa in aim["priority_actions"]}
    if kind is Kind.LEAD_PARTNER:
        return value in {str(o["slug"]) for o in await deliverables.get("/organisations")}
    path = "/local-authorities" if kind is Kind.LOCAL_AUTHORITY else "/service-types"
    return value in {str(item["code"]) for item in await directory.get(path)}


async def _found(upstream: Any, path: str) -> bool:
    try:
        await upstream.get(path)
    except GatewayError as error:
        if error.code in (ErrorCode.NOT_FOUND, ErrorCode.BAD_USER_INPUT):
            return False
        raise
    return True
