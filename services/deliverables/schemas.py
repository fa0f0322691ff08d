"""What the HTTP API takes and returns (pydantic at the boundary)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from services.deliverables.domain.statuses import DeliverableStatus


class OrganisationRef(BaseModel):
    slug: str
    name: str


class OrganisationOut(OrganisationRef):
    aliases: list[str]


class PriorityActionOut(BaseModel):
    number: int
    title: str


class AimOut(BaseModel):
    number: int
    title: str
    priority_actions: list[PriorityActionOut]


class DeliverableOut(BaseModel):
    number: int
    title: str
    aim: int
    priority_action: int
    timescale: str
    due_date: date | None
    status: DeliverableStatus
    status_label: str
    lead_partners: list[OrganisationRef]
    collaborators: list[OrganisationRef]
    latest_update: str | None
    updated_at: datetime
    # Additions to the contract: the original timescale, the overdue flag and the full text.
    original_timescale: str | None = None
    overdue: bool = False
    text: str | None = None
    further_detail: str | None = None
    # Its life: the rounds it was opened and closed in, and what was said when it closed.
    opened_round: int | None = None
    closed_round: int | None = None
    additional_information: str | None = None


class DeliverablePage(BaseModel):
    items: list[DeliverableOut]
    total: int


class StatusChangeRequest(BaseModel):
    status: DeliverableStatus
    reason: str | None = Field(default=None, max_length=4000)


class DeliverableFilter(BaseModel):
    status: DeliverableStatus | None = None
    aim: int | None = None
    priority_action: int | None = None
    lead_partner: str | None = None
    collaborator: str | None = None
    numbers: list[int] | None = None
    q: str | None = None
    overdue: bool | None = None
    due_before: date | None = None
