"""The four official statuses of a deliverable (shared by the plan, history and round types)."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Where a deliverable stands (API values in lower case).")
class DeliverableStatus(Enum):
    COMPLETE = "complete"
    IN_PROGRESS = "in_progress"
    IN_PROGRESS_REVISED = "in_progress_revised"
    OUTSTANDING = "outstanding"
