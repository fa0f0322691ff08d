"""The service's own SQLModel base, so its tables never clash with another service's."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class DeliverablesTable(SQLModel, registry=registry()):
    pass


def utc_now() -> datetime:
    return datetime.now(UTC)
