"""Revise a deliverable's timescale: a revision row with round and reason, and its event."""

from __future__ import annotations

from services.deliverables.adapters.plan_writes import open_round
from services.deliverables.adapters.queries import get_deliverable, lead_slugs, present
from services.deliverables.adapters.tables import Deliverable
from services.deliverables.domain import transitions
from services.deliverables.domain.permissions import ensure_may_change_deliverable
from services.deliverables.events import EventContext
from services.deliverables.schemas import DeliverableOut
from services.deliverables.use_cases.common import author_of, round_of
from services.deliverables.use_cases.recording import record
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork


def revise_timescale(
    uow: UnitOfWork,
    *,
    number: int,
    timescale: str,
    reason: str,
    identity: Identity,
    context: EventContext,
) -> DeliverableOut:
    with uow:
        deliverable = _revise_timescale(
            uow,
            number=number,
            timescale=timescale,
            reason=reason,
            identity=identity,
            context=context,
        )
        return present(uow.session, [deliverable])[0]


def _revise_timescale(
    uow: UnitOfWork,
    *,
    number: int,
    timescale: str,
    reason: str,
    identity: Identity,
    context: EventContext,
) -> Deliverable:
    """A revision needs a reason and a readable date; the current timescale is a no-op."""
    session = uow.session
    deliverable = get_deliverable(session, number, for_update=True)
    leads = lead_slugs(session, number)
    ensure_may_change_deliverable(identity, leads, number)
    transitions.check_revision(timescale, reason)
    recorded = transitions.revise_timescale(
        deliverable,
        leads,
        timescale,
        reason=reason,
        by=author_of(identity),
        in_round=round_of(open_round(session)),
    )
    record(uow, recorded, context)
    return deliverable
