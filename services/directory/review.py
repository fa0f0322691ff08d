"""The review cycle: an entry not reviewed within six months is stale."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.directory.tables.base import utc_now

REVIEW_INTERVAL = timedelta(days=183)


def stale_before(now: datetime | None = None) -> datetime:
    """Entries last reviewed before this moment are stale."""
    return (now or utc_now()) - REVIEW_INTERVAL
