"""Every read the gateway makes of the services, in one place (batched ones via ``loaders``).

Functions here return the services' JSON; the ``types_*`` modules turn it into GraphQL types, so
no type module imports this one's callers and there is no import cycle.
"""

from __future__ import annotations

from typing import Any

from services.gateway.adapters.upstream import segment
from services.gateway.entrypoints.graphql.context import GatewayContext
from services.gateway.entrypoints.graphql.cursors import PageRequest
from services.gateway.entrypoints.graphql.filters import DeliverableFilter, NearPlace, ServiceFilter

Json = dict[str, Any]


async def deliverables_page(
    context: GatewayContext, chosen: DeliverableFilter, page: PageRequest
) -> Json:
    """One page of ``GET /deliverables``; its items are primed into the deliverable loader."""
    params = {
        "status": chosen.status.value if chosen.status else None,
        "aim": chosen.aim,
        "priority_action": chosen.priority_action,
        "lead_partner": chosen.lead_partner,
        "q": chosen.search,
        "collaborator": chosen.collaborator,
        "overdue": _flag(chosen.overdue),
        "due_before": chosen.due_before.isoformat() if chosen.due_before else None,
        "limit": page.limit,
        "offset": page.offset,
    }
    answer: Json = await context.upstreams.deliverables.get("/deliverables", params)
    for item in answer["items"]:
        context.loaders.deliverable.prime(item["number"], item)
    return answer


async def services_page(
    context: GatewayContext, chosen: ServiceFilter, page: PageRequest, *, facets: bool
) -> Json:
    """One page of ``GET /services`` (facets counted only when asked for, in the same call)."""
    params = {
        "local_authority": chosen.local_authority,
        "service_type": chosen.service_type,
        "q": chosen.search,
        "court": chosen.court,
        "client_group": chosen.client_group,
        "age": chosen.age,
        "referral_route": chosen.referral_route,
        "open_now": _flag(chosen.open_now),
        **_near_params(chosen.near),
        "facets": "true" if facets else None,
        "limit": page.limit,
        "offset": page.offset,
    }
    answer: Json = await context.upstreams.directory.get("/services", params)
    for item in answer["items"]:
        context.loaders.service.prime(str(item["id"]), item)
    return answer


async def status_counts(context: GatewayContext) -> list[Json]:
    rows: list[Json] = await context.upstreams.deliverables.get("/status-counts")
    return rows


async def round_review(context: GatewayContext, number: int) -> Json:
    """What to check before publishing; the service answers coordinators only."""
    found: Json = await context.upstreams.deliverables.get(f"/rounds/{number}/review")
    return found


async def exported_plan(context: GatewayContext, round_number: int, export_format: str) -> str:
    """A round as its published document; the service answers coordinators only."""
    return await context.upstreams.deliverables.get_text(
        "/plan/export", {"round": round_number, "format": export_format}
    )


async def subscriptions_of(context: GatewayContext, manage_token: str) -> Json:
    """``POST /subscriptions/mine``: one call; the token comes from any of the person's emails."""
    found: Json = await context.upstreams.notifications.post(
        "/subscriptions/mine", {"token": manage_token}
    )
    return found


def _flag(value: bool | None) -> str | None:
    return None if value is None else str(value).lower()


def _near_params(near: NearPlace | None) -> dict[str, str | float | None]:
    if near is None:
        return {}
    return {
        "near_court": near.court, "near_postcode": near.postcode, "latitude": near.latitude,
        "longitude": near.longitude, "within_miles": near.within_miles,
    }  # fmt: skip


async def service_history(context: GatewayContext, service_id: str) -> list[Json]:
    """``GET /services/{id}/history`` (the directory asks for a signed-in caller)."""
    rows: list[Json] = await context.upstreams.directory.get(
        f"/services/{segment(service_id)}/history"
    )
    return rows


async def review_queue(context: GatewayContext) -> list[Json]:
    """The caller's entries that are stale or due for review within 30 days."""
    rows: list[Json] = await context.upstreams.directory.get("/reviews/queue")
    for item in rows:
        context.loaders.service.prime(str(item["id"]), item)
    return rows


async def suggestions(context: GatewayContext, status: str) -> list[Json]:
    """The caller's inbox of suggested corrections (a coordinator sees every one)."""
    rows: list[Json] = await context.upstreams.directory.get("/suggestions", {"status": status})
    return rows


async def exported_directory(context: GatewayContext) -> Json:
    """The whole directory as one HSDS 3.0 document (``GET /open/export``)."""
    document: Json = await context.upstreams.directory.get("/open/export")
    return document


async def directory_terms(context: GatewayContext, taxonomy: str) -> list[Json]:
    """The terms of one of the directory's taxonomies (``cjp-client-groups``, ...)."""
    rows: list[Json] = await context.upstreams.directory.get(
        "/taxonomy-terms", {"taxonomy": taxonomy}
    )
    return rows


async def courts(context: GatewayContext) -> list[Json]:
    rows: list[Json] = await context.upstreams.directory.get("/courts")
    return rows
