"""History rows, never overwritten: status changes, timescale revisions, per-round reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from services.deliverables.adapters.tables.base import DeliverablesTable, utc_now


class StatusChange(DeliverablesTable, table=True):
    __tablename__ = "status_change"

    id: int | None = Field(default=None, primary_key=True)
    deliverable_number: int = Field(foreign_key="deliverable.number", index=True)
    round_number: int | None = Field(default=None, foreign_key="reporting_round.number")
    old_status: str | None = None
    new_status: str
    reason: str | None = None
    changed_by: str | None = None
    changed_by_name: str | None = None
    changed_at: datetime = Field(default_factory=utc_now)


class TimescaleRevision(DeliverablesTable, table=True):
    __tablename__ = "timescale_revision"
    __table_args__ = (UniqueConstraint("deliverable_number", "round_number", "new_timescale"),)

    id: int | None = Field(default=None, primary_key=True)
    deliverable_number: int = Field(foreign_key="deliverable.number", index=True)
    round_number: int | None = Field(default=None, foreign_key="reporting_round.number")
    old_timescale: str | None = None
    new_timescale: str
    new_due_date: date | None = None
    reason: str | None = None
    recorded_by: str | None = None
    recorded_at: datetime = Field(default_factory=utc_now)


class RoundReport(DeliverablesTable, table=True):
    """What a lead partner reported for a deliverable in one round: its status and narrative."""

    __tablename__ = "round_report"
    __table_args__ = (UniqueConstraint("deliverable_number", "round_number"),)

    id: int | None = Field(default=None, primary_key=True)
    deliverable_number: int = Field(foreign_key="deliverable.number", index=True)
    round_number: int = Field(foreign_key="reporting_round.number", index=True)
    status: str = Field(max_length=30)
    narrative: str | None = None
    submitted_by: str | None = None
    submitted_at: datetime = Field(default_factory=utc_now)
