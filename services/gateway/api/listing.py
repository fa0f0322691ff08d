"""List queries with filters as input types and cursor pagination."""

from __future__ import annotations

import strawberry

from services.gateway.api.connections import page_from
from services.gateway.api.context import Info
from services.gateway.api.cursors import page_request
from services.gateway.api.types_deliverables import (
    DeliverableConnection,
    DeliverableStatus,
    deliverable_from_api,
)
from services.gateway.api.types_directory import ServiceConnection, service_from_api


@strawberry.input(description="Narrow the deliverables; every field given must match.")
class DeliverableFilter:
    status: DeliverableStatus | None = None
    aim: int | None = None
    priority_action: int | None = None
    lead_partner: str | None = strawberry.field(
        default=None, description="An organisation slug, e.g. `police-scotland`."
    )
    search: str | None = strawberry.field(default=None, description="Words in the title.")
    collaborator: str | None = strawberry.field(
        default=None, description="An organisation slug among the collaborators."
    )
    overdue: bool | None = strawberry.field(
        default=None, description="Only deliverables past their due date and not complete."
    )


@strawberry.input(description="Narrow the directory services; every field given must match.")
class ServiceFilter:
    local_authority: str | None = strawberry.field(
        default=None, description="A local-authority code, e.g. `fife`."
    )
    service_type: str | None = strawberry.field(
        default=None, description="A service-type code, e.g. `cpo-unpaid-work`."
    )
    search: str | None = None


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
        "limit": page.limit,
        "offset": page.offset,
    }
    answer = await info.context.upstreams.directory.get("/services", params)
    for item in answer["items"]:
        info.context.loaders.service.prime(str(item["id"]), item)
    edges, page_info = page_from(answer["items"], answer["total"], page, service_from_api)
    return ServiceConnection(total_count=answer["total"], edges=edges, page_info=page_info)


def _flag(value: bool | None) -> str | None:
    return None if value is None else str(value).lower()
