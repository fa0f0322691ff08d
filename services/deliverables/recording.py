"""Write what the domain decided: its history rows, and its events to the outbox."""

from __future__ import annotations

from sqlmodel import Session

from services.deliverables.domain.transitions import Recorded
from services.deliverables.events import EventContext, stage_deliverable_event


def record(session: Session, recorded: Recorded, context: EventContext) -> bool:
    """Add the rows and stage the events in the caller's transaction; True if there were any."""
    session.add_all(recorded.rows)
    for event in recorded.events:
        stage_deliverable_event(session, event, context)
    return bool(recorded)
