"""A directory entry's plain fields, declared once.

``HsdsServiceFields``: the HSDS 3.0 service fields kept as they are; the ``service`` table and the
importer's input inherit them. ``IncumbentFields``: the incumbent directory's own fields; the
table, the API's view and patch and the HSDS ``community_justice`` extension inherit them. A new
field is added here and nowhere else.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import SQLModel


class HsdsServiceFields(SQLModel):
    """HSDS 3.0 ``service`` fields this directory keeps as the standard has them (all optional)."""

    alternate_name: str | None = None
    description: str | None = None
    url: str | None = None
    email: str | None = None
    interpretation_services: str | None = None
    application_process: str | None = None
    fees_description: str | None = None
    wait_time: str | None = None
    accreditations: str | None = None
    eligibility_description: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    assured_date: date | None = None
    assurer_email: str | None = None
    alert: str | None = None


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


# Kept as imported: the API does not edit these (it edits the others under its own names).
HSDS_ONLY_FIELDS: tuple[str, ...] = (
    "alternate_name", "interpretation_services", "application_process", "fees_description",
    "wait_time", "accreditations", "assured_date", "assurer_email", "alert",
)  # fmt: skip
