"""GraphQL types of the delivery plan (owned by the deliverables service)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from services.gateway.entrypoints.graphql.connections import Edge, PageInfo, page_from
from services.gateway.entrypoints.graphql.context import Info
from services.gateway.entrypoints.graphql.cursors import PageRequest
from services.gateway.entrypoints.graphql.deliverable_status import DeliverableStatus
from services.gateway.entrypoints.graphql.types_history import DeliverableHistory, history_from_api


@strawberry.type(description="A partner organisation of the delivery plan.")
class Organisation:
    slug: str
    name: str

    @strawberry.field(description="Deliverables this organisation leads.")
    async def lead_deliverables(self, info: Info) -> list[Deliverable] | None:
        led = await info.context.loaders.deliverables_led_by(self.slug)
        return [deliverable_from_api(item) for item in led]


@strawberry.type
class PriorityAction:
    number: int
    title: str


@strawberry.type(description="An aim of the delivery plan with its priority actions.")
class Aim:
    number: int
    title: str
    priority_actions: list[PriorityAction]


@strawberry.type(description="One deliverable of the delivery plan.")
class Deliverable:
    number: int
    title: str
    aim: int
    priority_action: int
    timescale: str
    due_date: date | None
    status: DeliverableStatus
    status_label: str
    lead_partners: list[Organisation]
    collaborators: list[Organisation]
    latest_update: str | None
    updated_at: datetime | None
    original_timescale: str | None = strawberry.field(
        description="The timescale first published, when it has since been revised."
    )
    overdue: bool = strawberry.field(description="Past its due date and not complete.")
    text: str | None = strawberry.field(description="The deliverable's full text, if imported.")
    further_detail: str | None
    opened_round: int | None = strawberry.field(
        default=None, description="The reporting round it was opened in (0: the original plan)."
    )
    closed_round: int | None = strawberry.field(
        default=None, description="The reporting round it was closed (completed) in."
    )
    additional_information: str | None = strawberry.field(
        default=None, description="What the lead partner added when it was closed."
    )

    @strawberry.field(description="The aim this deliverable serves (title and priority actions).")
    async def aim_detail(self, info: Info) -> Aim | None:
        found = await info.context.loaders.aim(self.aim)
        return aim_from_api(found) if found else None

    @strawberry.field(description="Every revision, status change and round report, oldest first.")
    async def history(self, info: Info) -> DeliverableHistory | None:
        found = await info.context.loaders.history.load(self.number)
        return history_from_api(found) if found else None


def organisation_from_api(data: dict[str, Any]) -> Organisation:
    return Organisation(slug=data["slug"], name=data["name"])


def aim_from_api(data: dict[str, Any]) -> Aim:
    return Aim(
        number=data["number"],
        title=data["title"],
        priority_actions=[
            PriorityAction(number=p["number"], title=p["title"])
            for p in data.get("priority_actions", [])
        ],
    )


def deliverable_from_api(data: dict[str, Any]) -> Deliverable:
    return Deliverable(
        number=data["number"],
        title=data["title"],
        aim=data["aim"],
        priority_action=data["priority_action"],
        timescale=data.get("timescale") or "",
        due_date=date.fromisoformat(data["due_date"]) if data.get("due_date") else None,
        status=DeliverableStatus(data["status"]),
        status_label=data["status_label"],
        lead_partners=[organisation_from_api(p) for p in data.get("lead_partners", [])],
        collaborators=[organisation_from_api(p) for p in data.get("collaborators", [])],
        latest_update=data.get("latest_update"),
        updated_at=_datetime_or_none(data.get("updated_at")),
        original_timescale=data.get("original_timescale"),
        overdue=bool(data.get("overdue", False)),
        text=data.get("text"),
        further_detail=data.get("further_detail"),
        opened_round=data.get("opened_round"),
        closed_round=data.get("closed_round"),
        additional_information=data.get("additional_information"),
    )


def _datetime_or_none(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


@strawberry.type(description="A page of deliverables, ordered by number.")
class DeliverableConnection:
    total_count: int
    edges: list[Edge[Deliverable]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[Deliverable]:
        return [edge.node for edge in self.edges]


def deliverable_connection_from_api(
    answer: dict[str, Any], page: PageRequest
) -> DeliverableConnection:
    """A service's ``{"items", "total"}`` page as a connection."""
    edges, page_info = page_from(answer["items"], answer["total"], page, deliverable_from_api)
    return DeliverableConnection(total_count=answer["total"], edges=edges, page_info=page_info)
