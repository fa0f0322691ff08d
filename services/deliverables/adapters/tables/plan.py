"""Deliverables and the organisations that lead them or collaborate on them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field

from services.deliverables.adapters.tables.base import DeliverablesTable, utc_now


class Deliverable(DeliverablesTable, table=True):
    """Current state of a deliverable; every change to it is also kept as a history row."""

    __tablename__ = "deliverable"

    number: int = Field(primary_key=True)
    aim_number: int = Field(foreign_key="aim.number", index=True)
    priority_action_number: int = Field(foreign_key="priority_action.number", index=True)
    title: str = Field(max_length=300)
    text: str | None = None
    further_detail: str | None = None
    original_timescale: str | None = None
    timescale: str | None = None
    due_date: date | None = Field(default=None, index=True)
    status: str = Field(max_length=30, index=True)
    latest_update: str | None = None
    lead_text: str | None = None
    collaboration_text: str | None = None
    additional_information: str | None = None
    opened_round: int | None = None
    closed_round: int | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class PartnerRole(StrEnum):
    LEAD = "lead"
    COLLABORATOR = "collaborator"


class DeliverablePartner(DeliverablesTable, table=True):
    __tablename__ = "deliverable_partner"

    deliverable_number: int = Field(foreign_key="deliverable.number", primary_key=True)
    organisation_slug: str = Field(foreign_key="organisation.slug", primary_key=True, index=True)
    role: str = Field(primary_key=True, max_length=20)
    position: int = 0
