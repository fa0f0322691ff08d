"""Reporting rounds: opened, filled in by lead partners, published, then frozen."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field

from services.deliverables.adapters.tables.base import DeliverablesTable, utc_now


class RoundState(StrEnum):
    OPEN = "open"
    PUBLISHED = "published"


class ReportingRound(DeliverablesTable, table=True):
    __tablename__ = "reporting_round"

    number: int = Field(primary_key=True)
    name: str = Field(max_length=200)
    period_covered: str | None = Field(default=None, max_length=200)
    state: str = Field(default=RoundState.OPEN, max_length=20)
    opened_at: datetime = Field(default_factory=utc_now)
    opened_by: str | None = None
    published_at: datetime | None = None
    published_by: str | None = None
