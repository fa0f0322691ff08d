"""The deliverables service's tables, all on its own SQLModel registry."""

from services.deliverables.models.base import DeliverablesTable, utc_now
from services.deliverables.models.history import RoundReport, StatusChange, TimescaleRevision
from services.deliverables.models.plan import Deliverable, DeliverablePartner, PartnerRole
from services.deliverables.models.reference import (
    Aim,
    Organisation,
    OrganisationAlias,
    PriorityAction,
)
from services.deliverables.models.rounds import ReportingRound, RoundState

__all__ = [
    "Aim",
    "Deliverable",
    "DeliverablePartner",
    "DeliverablesTable",
    "Organisation",
    "OrganisationAlias",
    "PartnerRole",
    "PriorityAction",
    "ReportingRound",
    "RoundReport",
    "RoundState",
    "StatusChange",
    "TimescaleRevision",
    "utc_now",
]
