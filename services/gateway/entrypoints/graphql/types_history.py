"""A deliverable's history as GraphQL sees it (``GET /deliverables/{n}/history``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from services.gateway.entrypoints.graphql.deliverable_status import DeliverableStatus


@strawberry.type(description="One revision of a deliverable's timescale.")
class TimescaleRevision:
    round: int | None
    old_timescale: str | None
    new_timescale: str
    due_date: date | None
    reason: str | None
    recorded_by: str | None
    recorded_at: datetime


@strawberry.type(description="One change of a deliverable's status: who, when and why.")
class StatusChange:
    round: int | None
    old_status: DeliverableStatus | None
    new_status: DeliverableStatus
    reason: str | None
    changed_by: str | None
    changed_by_name: str | None
    changed_at: datetime


@strawberry.type(description="A deliverable's status and narrative in one reporting round.")
class RoundReport:
    round: int
    round_name: str
    status: DeliverableStatus
    status_label: str
    narrative: str | None
    submitted_by: str | None
    submitted_at: datetime


@strawberry.type(description="Everything that happened to a deliverable; rows are never changed.")
class DeliverableHistory:
    opened_round: int | None
    closed_round: int | None
    additional_information: str | None = strawberry.field(
        default=None, description="What the lead partner added when it was closed."
    )
    timescale_revisions: list[TimescaleRevision]
    status_changes: list[StatusChange]
    round_reports: list[RoundReport]


def history_from_api(data: dict[str, Any]) -> DeliverableHistory:
    return DeliverableHistory(
        opened_round=data.get("opened_round"),
        closed_round=data.get("closed_round"),
        additional_information=data.get("additional_information"),
        timescale_revisions=[_revision(row) for row in data.get("revisions", [])],
        status_changes=[_status_change(row) for row in data.get("status_changes", [])],
        round_reports=[_round_report(row) for row in data.get("rounds", [])],
    )


def _revision(row: dict[str, Any]) -> TimescaleRevision:
    return TimescaleRevision(
        round=row.get("round"),
        old_timescale=row.get("old_timescale"),
        new_timescale=row["new_timescale"],
        due_date=date.fromisoformat(row["due_date"]) if row.get("due_date") else None,
        reason=row.get("reason"),
        recorded_by=row.get("recorded_by"),
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
    )


def _status_change(row: dict[str, Any]) -> StatusChange:
    old = row.get("old_status")
    return StatusChange(
        round=row.get("round"),
        old_status=DeliverableStatus(old) if old else None,
        new_status=DeliverableStatus(row["new_status"]),
        reason=row.get("reason"),
        changed_by=row.get("changed_by"),
        changed_by_name=row.get("changed_by_name"),
        changed_at=datetime.fromisoformat(row["changed_at"]),
    )


def _round_report(row: dict[str, Any]) -> RoundReport:
    return RoundReport(
        round=row["round"],
        round_name=row["round_name"],
        status=DeliverableStatus(row["status"]),
        status_label=row["status_label"],
        narrative=row.get("narrative"),
        submitted_by=row.get("submitted_by"),
        submitted_at=datetime.fromisoformat(row["submitted_at"]),
    )
