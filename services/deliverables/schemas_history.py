"""API shapes for rounds, history, revisions, counts and import/export."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from services.deliverables.domain.statuses import DeliverableStatus


class RoundOut(BaseModel):
    number: int
    name: str
    period_covered: str | None
    state: str
    opened_at: datetime
    published_at: datetime | None


class OpenRoundRequest(BaseModel):
    name: str = Field(min_length=3, max_length=200)
    period_covered: str | None = Field(default=None, max_length=200)


class SubmitUpdateRequest(BaseModel):
    status: DeliverableStatus
    narrative: str = Field(min_length=1, max_length=20_000)
    new_timescale: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=4000)


class ReviseTimescaleRequest(BaseModel):
    timescale: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=4000)


class RoundReview(BaseModel):
    """What a coordinator checks before publishing a round."""

    round: RoundOut
    missing_updates: list[int]
    overdue: list[int]
    revised_without_revision: list[int]


class RevisionOut(BaseModel):
    round: int | None
    old_timescale: str | None
    new_timescale: str
    due_date: date | None
    reason: str | None
    recorded_by: str | None
    recorded_at: datetime


class StatusChangeOut(BaseModel):
    round: int | None
    old_status: str | None
    new_status: str
    reason: str | None
    changed_by: str | None
    changed_by_name: str | None
    changed_at: datetime


class RoundReportOut(BaseModel):
    round: int
    round_name: str
    status: DeliverableStatus
    status_label: str
    narrative: str | None
    submitted_by: str | None
    submitted_at: datetime


class DeliverableHistory(BaseModel):
    number: int
    title: str
    opened_round: int | None
    closed_round: int | None
    additional_information: str | None = None
    original_timescale: str | None
    timescale: str | None
    revisions: list[RevisionOut]
    status_changes: list[StatusChangeOut]
    rounds: list[RoundReportOut]


class AimStatusCounts(BaseModel):
    aim: int
    title: str
    total: int
    complete: int
    in_progress: int
    in_progress_revised: int
    outstanding: int
    overdue: int


class NewDeliverableRequest(BaseModel):
    number: int | None = Field(default=None, ge=1)
    priority_action: int
    title: str = Field(min_length=3, max_length=300)
    text: str | None = Field(default=None, max_length=20_000)
    timescale: str = Field(min_length=4, max_length=200)
    lead_partners: list[str] = Field(min_length=1)
    collaborators: list[str] = Field(default_factory=list)


class ImportRequest(BaseModel):
    document: str = Field(min_length=1, max_length=5_000_000)
    dry_run: bool = False  # a preview: the import runs and is rolled back


class ImportResult(BaseModel):
    round_number: int
    round_name: str
    deliverables: int
    changed: list[int]  # added or changed, by number
    added: list[int]  # created by this import, by number
    seconds: float
    revised: list[int] = []  # timescale revised in this edition, by number
    dry_run: bool = False
