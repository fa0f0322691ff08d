"""Partial updates (PATCH): a field left out keeps its value; `null` empties only what may be."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationInfo


def refuse_null(value: Any, info: ValidationInfo) -> Any:
    """For a ``field_validator(..., mode="before")`` on fields that cannot be empty: ``null`` is a
    422 naming the field, never a database error later. Left out, the validator does not run."""
    if value is None:
        raise ValueError(f"{info.field_name} cannot be empty: leave it out to keep it as it is")
    return value
