"""Reporting rounds, the status dashboard and the plan's documents as GraphQL types."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from services.gateway.entrypoints.graphql.context import Info
from services.gateway.entrypoints.graphql.deliverable_status import DeliverableStatus
from services.gateway.use_cases import reads


@strawberry.type(description="What a coordinator checks before publishing a round.")
class RoundReview:
    missing_updates: list[int] = strawberry.field(description="Open deliverables not reported.")
    overdue: list[int] = strawberry.field(description="Past their due date and not complete.")
    revised_without_revision: list[int] = strawberry.field(
        description="Reported as revised, but no revision with a reason is on record."
    )


@strawberry.type(description="A reporting round: opened, reported in, then published (frozen).")
class ReportingRound:
    number: int
    name: str
    period_covered: str | None
    state: str = strawberry.field(description="`open` or `published`.")
    opened_at: datetime
    published_at: datetime | None

    @strawberry.field(description="What to check before publishing (coordinators only).")
    async def review(self, info: Info) -> RoundReview | None:
        found = await reads.round_review(info.context, self.number)
        return RoundReview(
            missing_updates=found["missing_updates"],
            overdue=found["overdue"],
            revised_without_revision=found["revised_without_revision"],
        )


@strawberry.type(description="Deliverables of one aim counted by status (the board's dashboard).")
class AimStatusCounts:
    aim: int
    title: str | None
    complete: int
    in_progress: int
    in_progress_revised: int
    outstanding: int
    overdue: int
    total: int


@strawberry.enum(description="The published forms of a round.")
class ExportFormat(Enum):
    MARKDOWN = "md"
    HTML = "html"
    CSV = "csv"


@strawberry.input(description="A lead partner's update on one deliverable in an open round.")
class DeliverableUpdateInput:
    status: DeliverableStatus
    narrative: str
    new_timescale: str | None = strawberry.field(
        default=None, description="A revised timescale, e.g. `June 2025` (needs a reason)."
    )
    reason: str | None = None


@strawberry.type(description="What an import of a published edition did to the plan.")
class ImportPlanResult:
    added: int
    changed: int
    unchanged: int
    summary: str | None
    round_number: int
    round_name: str
    changed_numbers: list[int] = strawberry.field(
        description="Deliverables added or changed by the import, by number."
    )
    added_numbers: list[int] = strawberry.field(
        description="Deliverables the import created, by number."
    )
    seconds: float = strawberry.field(description="How long the service took to import.")
    revised_numbers: list[int] = strawberry.field(
        default_factory=list,
        description="Deliverables this import changes whose timescale the edition revises.",
    )
    dry_run: bool = strawberry.field(
        default=False, description="A preview: the import ran and was rolled back."
    )


def round_from_api(data: dict[str, Any]) -> ReportingRound:
    published = data.get("published_at")
    return ReportingRound(
        number=data["number"],
        name=data["name"],
        period_covered=data.get("period_covered"),
        state=data["state"],
        opened_at=datetime.fromisoformat(data["opened_at"]),
        published_at=datetime.fromisoformat(published) if published else None,
    )


def counts_from_api(data: dict[str, Any]) -> AimStatusCounts:
    return AimStatusCounts(
        aim=data["aim"],
        title=data.get("title"),
        complete=data["complete"],
        in_progress=data["in_progress"],
        in_progress_revised=data["in_progress_revised"],
        outstanding=data["outstanding"],
        overdue=data["overdue"],
        total=data["total"],
    )


def import_result_from_api(data: dict[str, Any]) -> ImportPlanResult:
    """The service names the deliverables it added and those it added or changed."""
    changed_numbers = list(data["changed"])
    added_numbers = list(data["added"])
    added = len(added_numbers)
    changed = len(changed_numbers) - added
    unchanged = max(data["deliverables"] - len(changed_numbers), 0)
    summary = (
        f"{'Preview of ' if data.get('dry_run') else ''}"
        f"{data['round_name']}: {data['deliverables']} deliverables read; {added} added, "
        f"{changed} changed, {unchanged} unchanged."
    )
    return ImportPlanResult(
        added=added,
        changed=changed,
        unchanged=unchanged,
        summary=summary,
        round_number=data["round_number"],
        round_name=data["round_name"],
        changed_numbers=changed_numbers,
        added_numbers=added_numbers,
        seconds=float(data["seconds"]),
        revised_numbers=list(data.get("revised") or []),
        dry_run=bool(data.get("dry_run", False)),
    )
