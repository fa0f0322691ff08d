"""The overdue rule: the current timescale has passed and the deliverable is not complete."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.deliverables.domain.statuses import DeliverableStatus


def today() -> date:
    return datetime.now(UTC).date()


def is_overdue(status: str, due_date: date | None, *, on: date | None = None) -> bool:
    """True when a coordinator should look before publishing: past due, not complete."""
    if due_date is None or status == DeliverableStatus.COMPLETE:
        return False
    return due_date < (on or today())
