"""The review cycle: an entry not reviewed within six months is stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from services.directory.adapters.tables.base import utc_now

# Reviewed and not due within 30 days / due within 30 days / past its review date.
Freshness = Literal["fresh", "due_soon", "stale"]
REVIEW_INTERVAL = timedelta(days=183)
DUE_SOON = timedelta(days=30)
# An entry imported without a review or published date was never reviewed: it counts as stale.
NEVER_REVIEWED = datetime(1970, 1, 1, tzinfo=UTC)


def stale_before(now: datetime | None = None) -> datetime:
    """Entries last reviewed before this moment are stale."""
    return (now or utc_now()) - REVIEW_INTERVAL


def freshness(review_due_at: datetime, now: datetime | None = None) -> Freshness:
    """``stale`` past the due date, ``due_soon`` within 30 days of it, else ``fresh``."""
    moment = now or utc_now()
    if review_due_at < moment:
        return "stale"
    return "due_soon" if review_due_at < moment + DUE_SOON else "fresh"
