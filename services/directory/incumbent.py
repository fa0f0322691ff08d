"""The incumbent directory's own fields, declared once.

The table's columns, the API's view and patch, and the HSDS ``community_justice`` extension all
inherit this model, so a new incumbent field is added here and nowhere else.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import SQLModel


class IncumbentFields(SQLModel):
    """What the incumbent directory's pages carry beyond HSDS 3.0 (all optional)."""

    published_date: date | None = None
    suitable_for: str | None = None
    programme_title: str | None = None
    programme_provider: str | None = None
    scheme_details: str | None = None
    possible_outcomes: str | None = None
    assessment_process: str | None = None


INCUMBENT_FIELDS: tuple[str, ...] = tuple(IncumbentFields.model_fields)


def incumbent_values(source: Any) -> dict[str, Any]:
    """The incumbent fields of any object carrying them (a row, a view, an HSDS extension)."""
    return {name: getattr(source, name) for name in INCUMBENT_FIELDS}
