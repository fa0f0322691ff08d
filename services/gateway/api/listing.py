"""List queries with filters as input types and cursor pagination."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from services.gateway.api.connections import page_from
from services.gateway.api.context import Info
from services.gateway.api.cursors import page_request
from services.gateway.api.deliverable_status import DeliverableStatus
from services.gateway.api.types_deliverables import (
    DeliverableConnection,
    deliverable_from_api,
)
from services.gateway.api.types_directory import (
    ServiceConnection,
    facets_from_api,
    service_from_api,
)


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


async def list_deliverables(
    info: Info, filter: DeliverableFilter | None, first: int, after: str | None
) -> DeliverableConnection:
    """One page of ``GET /deliverables`` as a connection."""
    page = page_request(first, after, max_page_size=info.context.settings.max_page_size)
    chosen = filter or DeliverableFilter()
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
    answer = await info.context.upstreams.deliverables.get("/deliverables", params)
    for item in answer["items"]:
        info.context.loaders.deliverable.prime(item["number"], item)
    edges, page_info = page_from(answer["items"], answer["total"], page, deliverable_from_api)
    return DeliverableConnection(total_count=answer["total"], edges=edges, page_info=page_info)


async def list_services(
    info: Info, filter: ServiceFilter | None, first: int, after: str | None
) -> ServiceConnection:
    """One page of ``GET /services`` as a connection."""
    page = page_request(first, after, max_page_size=info.context.settings.max_page_size)
    chosen = filter or ServiceFilter()
    params = {
        "local_authority": chosen.local_authority,
        "service_type": chosen.service_type,
        "q": chosen.search,
        "court": chosen.court,
        "client_group": chosen.client_group,
        "age": chosen.age,
        "referral_route": chosen.referral_route,
        "open_now": _flag(chosen.open_now),
        # Facets are counted only when the query asks for them (same single call either way).
        "facets": "true" if _selects(info, "facets") else None,
        "limit": page.limit,
        "offset": page.offset,
    }
    answer = await info.context.upstreams.directory.get("/services", params)
    for item in answer["items"]:
        info.context.loaders.service.prime(str(item["id"]), item)
    edges, page_info = page_from(answer["items"], answer["total"], page, service_from_api)
    return ServiceConnection(
        total_count=answer["total"],
        edges=edges,
        page_info=page_info,
        facets=facets_from_api(answer.get("facets") or {}),
        corrected_query=answer.get("corrected_query"),
    )


def _selects(info: Info, name: str) -> bool:
    """Whether the query selects ``name`` directly under this field (fragments included)."""
    return any(
        isinstance(selection, SelectedField) and selection.name == name
        for field in info.selected_fields
        for selection in _flatten(field.selections)
    )


def _flatten(selections: list[Selection]) -> list[Selection]:
    flat: list[Selection] = []
    for selection in selections:
        if isinstance(selection, FragmentSpread | InlineFragment):
            flat.extend(_flatten(selection.selections))
        else:
            flat.append(selection)
    return flat


def _flag(value: bool | None) -> str | None:
    return None if value is None else str(value).lower()
