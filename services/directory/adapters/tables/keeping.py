"""Keeping entries current: the change history and suggested corrections."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from services.directory.adapters.tables.base import (
    DirectoryTable,
    created_moment,
    id_field,
    optional_moment,
)


class ServiceChange(DirectoryTable, table=True):
    """One changed field of one service: who changed it, when, from what to what (JSON values)."""

    __tablename__ = "service_change"

    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    kind: str = "updated"
    field: str
    old_value: str | None = None
    new_value: str | None = None
    changed_by: str
    changed_by_name: str | None = None
    changed_by_role: str | None = None
    changed_at: datetime = created_moment()


class Suggestion(DirectoryTable, table=True):
    """A correction anyone may suggest; it goes to the partnership that owns the entry."""

    __tablename__ = "suggestion"

    id: str = id_field()
    service_id: str = Field(foreign_key="service.id", index=True)
    partnership_code: str | None = Field(default=None, foreign_key="partnership.code", index=True)
    field: str | None = None
    message: str
    suggested_by_name: str | None = None
    suggested_by_email: str | None = None
    status: str = Field(default="open", index=True)
    created_at: datetime = created_moment()
    resolved_at: datetime | None = optional_moment()
    resolved_by: str | None = None
