"""What the pages read from the gateway, validated at the boundary (camelCase in GraphQL)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class GatewayModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class LocalAuthority(GatewayModel):
    code: str
    name: str
    partnership: str | None = None


class ServiceType(GatewayModel):
    code: str
    name: str


class Service(GatewayModel):
    id: str
    name: str
    description: str | None = None
    organisation_name: str | None = None
    local_authorities: list[str] = Field(default_factory=list)
    service_types: list[str] = Field(default_factory=list)
    status: str = ""
    is_sample: bool = False
    courts: list[str] = Field(default_factory=list)
    # The gateway shows referral routes and contacts to court staff and editors only (else null).
    referral_routes: list[str] | None = None
    eligibility: str | None = None
    contact_email: str | None = None
    phone: str | None = None
    last_reviewed_at: datetime | None = None
    updated_at: datetime | None = None
    distance_miles: float | None = None  # in a search near a place


class Organisation(GatewayModel):
    slug: str
    name: str


class PriorityAction(GatewayModel):
    number: int
    title: str


class Aim(GatewayModel):
    number: int
    title: str
    priority_actions: list[PriorityAction] = Field(default_factory=list)


class Deliverable(GatewayModel):
    number: int
    title: str
    aim: int
    priority_action: int
    timescale: str = ""
    due_date: date | None = None
    status: str
    status_label: str
    lead_partners: list[Organisation] = Field(default_factory=list)
    collaborators: list[Organisation] = Field(default_factory=list)
    latest_update: str | None = None
    updated_at: datetime | None = None
    # The gateway's rule: past its due date and not complete.
    overdue: bool = False
    original_timescale: str | None = None
    further_detail: str | None = None
    history: History | None = None

    @property
    def was_revised(self) -> bool:
        """The timescale differs from the one first published."""
        return bool(self.original_timescale) and self.original_timescale != self.timescale


STATUS_LABELS = {
    "COMPLETE": "Complete",
    "IN_PROGRESS": "In progress",
    "IN_PROGRESS_REVISED": "In progress (with revised timescale)",
    "OUTSTANDING": "Outstanding",
}


class StatusChange(GatewayModel):
    round: int | None = None
    old_status: str | None = None
    new_status: str
    reason: str | None = None
    changed_by: str | None = None
    changed_at: datetime

    @property
    def new_status_label(self) -> str:
        return STATUS_LABELS.get(self.new_status, self.new_status)

    @property
    def old_status_label(self) -> str | None:
        return STATUS_LABELS.get(self.old_status, self.old_status) if self.old_status else None


class TimescaleRevision(GatewayModel):
    round: int | None = None
    old_timescale: str | None = None
    new_timescale: str
    due_date: date | None = None
    reason: str | None = None
    recorded_by: str | None = None
    recorded_at: datetime


class RoundReport(GatewayModel):
    round: int
    round_name: str
    status: str
    status_label: str
    narrative: str | None = None
    submitted_by: str | None = None
    submitted_at: datetime


class History(GatewayModel):
    """Everything recorded about one deliverable, oldest first within each kind."""

    opened_round: int | None = None
    closed_round: int | None = None
    additional_information: str | None = None
    status_changes: list[StatusChange] = Field(default_factory=list)
    timescale_revisions: list[TimescaleRevision] = Field(default_factory=list)
    round_reports: list[RoundReport] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.status_changes
            or self.timescale_revisions
            or self.round_reports
            or self.opened_round is not None
            or self.closed_round is not None
            or self.additional_information
        )


Deliverable.model_rebuild()
