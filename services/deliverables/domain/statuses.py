"""The four official statuses of a deliverable and the labels the published document uses."""

from __future__ import annotations

from enum import StrEnum


class DeliverableStatus(StrEnum):
    COMPLETE = "complete"
    IN_PROGRESS = "in_progress"
    IN_PROGRESS_REVISED = "in_progress_revised"
    OUTSTANDING = "outstanding"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[DeliverableStatus, str] = {
    DeliverableStatus.COMPLETE: "Complete",
    DeliverableStatus.IN_PROGRESS: "In progress",
    DeliverableStatus.IN_PROGRESS_REVISED: "In progress (with revised timescale)",
    DeliverableStatus.OUTSTANDING: "Outstanding",
}

_BY_LABEL = {label.casefold(): status for status, label in STATUS_LABELS.items()}


def status_from_label(label: str) -> DeliverableStatus | None:
    """The status a published label names, or None if it names none."""
    return _BY_LABEL.get(" ".join(label.split()).casefold())
