"""Write what the domain decided: its history rows, and its events to the outbox."""

from __future__ import annotations

from services.deliverables.domain.transitions import Recorded
from services.deliverables.events import EventContext, stage_deliverable_event
from shared.unit_of_work import UnitOfWork


def record(uow: UnitOfWork, recorded: Recorded, context: EventContext) -> bool:
    """Add the rows and stage the events in the caller's unit of work; True if there were any."""
    uow.session.add_all(recorded.rows)
    for event in recorded.events:
        stage_deliverable_event(uow, event, context)
    return bool(recorded)
