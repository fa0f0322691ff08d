"""The facts every deliverable event carries, read in the event's own transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.deliverables.events import DeliverableFacts
from services.deliverables.models import Deliverable
from services.deliverables.queries import lead_slugs


def facts_of(session: Session, deliverable: Deliverable) -> dict[str, Any]:
    """Keyword arguments for any ``DeliverableFacts`` payload."""
    return DeliverableFacts(
        number=deliverable.number,
        title=deliverable.title,
        aim=deliverable.aim_number,
        priority_action=deliverable.priority_action_number,
        lead_partners=lead_slugs(session, deliverable.number),
    ).model_dump()
