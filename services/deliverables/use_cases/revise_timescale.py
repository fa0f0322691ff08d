"""Revise a deliverable's timescale: a revision row with round and reason, and its event."""

from __future__ import annotations

from sqlmodel import Session

from services.deliverables.events import (
    DeliverableTimescaleRevised,
    EventContext,
    stage_deliverable_event,
)
from services.deliverables.models import Deliverable, ReportingRound, TimescaleRevision, utc_now
from services.deliverables.permissions import ensure_may_change_deliverable
from services.deliverables.plan_writes import open_round
from services.deliverables.queries import get_deliverable, lead_slugs
from services.deliverables.timescales import due_date_of
from services.deliverables.use_cases.facts import facts_of
from shared.errors import BadUserInput
from shared.identity import Identity


def revise_timescale(
    session: Session,
    *,
    number: int,
    timescale: str,
    reason: str,
    identity: Identity,
    context: EventContext,
) -> Deliverable:
    deliverable = get_deliverable(session, number, for_update=True)
    ensure_may_change_deliverable(identity, lead_slugs(session, number), number)
    record_revision(session, deliverable, timescale, reason, identity, open_round(session), context)
    return deliverable


def record_revision(
    session: Session,
    deliverable: Deliverable,
    timescale: str,
    reason: str | None,
    identity: Identity,
    in_round: ReportingRound | None,
    context: EventContext,
) -> None:
    """A revision needs an explanation and a readable date; the current timescale is a no-op."""
    if not reason or not reason.strip():
        raise BadUserInput("A revised timescale needs a reason.", field="reason")
    due_date = due_date_of(timescale)
    if due_date is None:
        raise BadUserInput(
            "The new timescale must name a month and year, e.g. 'March 2025'.", field="timescale"
        )
    old = deliverable.timescale
    if old == timescale:
        return
    session.add(
        TimescaleRevision(
            deliverable_number=deliverable.number,
            round_number=in_round.number if in_round else None,
            old_timescale=old,
            new_timescale=timescale,
            new_due_date=due_date,
            reason=reason,
            recorded_by=identity.subject,
        )
    )
    deliverable.timescale, deliverable.due_date = timescale, due_date
    deliverable.updated_at = utc_now()
    session.add(deliverable)
    payload = DeliverableTimescaleRevised(
        **facts_of(session, deliverable),
        old_timescale=old,
        new_timescale=timescale,
        reason=reason,
        round=in_round.name if in_round else None,
    )
    stage_deliverable_event(session, payload, context)
