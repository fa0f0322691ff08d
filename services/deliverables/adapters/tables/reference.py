"""Organisations (with the aliases documents use), aims and priority actions."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from services.deliverables.adapters.tables.base import DeliverablesTable, utc_now


class Organisation(DeliverablesTable, table=True):
    __tablename__ = "organisation"

    slug: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utc_now)


class OrganisationAlias(DeliverablesTable, table=True):
    """Another name for an organisation ("CJS", "the Crown"); each alias names one organisation."""

    __tablename__ = "organisation_alias"

    alias: str = Field(primary_key=True, max_length=200)
    organisation_slug: str = Field(foreign_key="organisation.slug", index=True)


class Aim(DeliverablesTable, table=True):
    __tablename__ = "aim"

    number: int = Field(primary_key=True)
    title: str = Field(max_length=300)
    text: str | None = None


class PriorityAction(DeliverablesTable, table=True):
    __tablename__ = "priority_action"

    number: int = Field(primary_key=True)
    aim_number: int = Field(foreign_key="aim.number", index=True)
    title: str = Field(max_length=300)
    text: str | None = None
