"""The directory's own SQLModel base, so its tables never clash with another service's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class DirectoryTable(SQLModel, registry=registry()):
    """Base class of every directory table."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored moment is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def id_field() -> str:
    return Field(default_factory=new_id, primary_key=True, max_length=36)


def created_moment(*, index: bool = False) -> datetime:
    return Field(
        default_factory=utc_now, sa_type=DateTime(timezone=True), nullable=False, index=index
    )


def optional_moment(*, index: bool = False) -> datetime | None:
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=True, index=index)
