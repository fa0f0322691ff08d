"""The deliverables service's tables, all on its own SQLModel registry."""

from services.deliverables.adapters.tables.base import DeliverablesTable, utc_now
from services.deliverables.adapters.tables.history import (
    RoundReport,
    StatusChange,
    TimescaleRevision,
)
from services.deliverables.adapters.tables.plan import Deliverable, DeliverablePartner, PartnerRole
from services.deliverables.adapters.tables.reference import (
    Aim,
    Organisation,
    OrganisationAlias,
    PriorityAction,
)
from services.deliverables.adapters.tables.rounds import ReportingRound, RoundState

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
