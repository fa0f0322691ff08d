"""What a subscription can follow, and the audience an event concerns (see ``consumed/``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TargetKind(StrEnum):
    DELIVERABLE = "deliverable"
    AIM = "aim"
    PRIORITY_ACTION = "priority_action"
    LEAD_PARTNER = "lead_partner"
    ALL_DELIVERABLES = "all_deliverables"
    LOCAL_AUTHORITY = "local_authority"
    SERVICE_TYPE = "service_type"
    SERVICE = "service"


class Transition(StrEnum):
    """Which changes a subscription wants; ``any`` means every change to its target."""

    ANY = "any"
    STATUS_CHANGED = "status_changed"
    COMPLETE = "complete"
    TIMESCALE_REVISED = "timescale_revised"
    OVERDUE = "overdue"  # a deliverable's status becomes `outstanding`
    UPDATED = "updated"
    ADDED = "added"
    ROUND_PUBLISHED = "round_published"
    SERVICE_WITHDRAWN = "service_withdrawn"


DELIVERABLE_KINDS = (
    TargetKind.DELIVERABLE,
    TargetKind.AIM,
    TargetKind.PRIORITY_ACTION,
    TargetKind.LEAD_PARTNER,
    TargetKind.ALL_DELIVERABLES,
)
NEEDS_NO_VALUE = {TargetKind.ALL_DELIVERABLES}


@dataclass(frozen=True)
class Audience:
    """The (kind, value) pairs an event concerns (value None = any value) and its transitions."""

    targets: tuple[tuple[TargetKind, str | None], ...]
    transitions: frozenset[Transition]
