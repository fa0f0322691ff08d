"""A lead partner's update for one deliverable in an open round: status, narrative, revision."""

from __future__ import annotations

from sqlmodel import Session, select

from services.deliverables.adapters.queries import get_deliverable, lead_slugs, present
from services.deliverables.adapters.search import refresh_search_documents
from services.deliverables.adapters.tables import Deliverable, TimescaleRevision
from services.deliverables.domain import reporting, transitions
from services.deliverables.domain.permissions import ensure_may_change_deliverable
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.domain.transitions import Recorded
from services.deliverables.events import EventContext
from services.deliverables.schemas import DeliverableOut
from services.deliverables.schemas_history import SubmitUpdateRequest
from services.deliverables.use_cases.common import author_of, report_in
from services.deliverables.use_cases.recording import record
from services.deliverables.use_cases.rounds import ensure_open, get_round
from shared.errors import BadUserInput
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork


def submit_update(
    uow: UnitOfWork,
    *,
    round_number: int,
    number: int,
    update: SubmitUpdateRequest,
    identity: Identity,
    context: EventContext,
) -> DeliverableOut:
    with uow:
        deliverable = _submit_update(
            uow,
            round_number=round_number,
            number=number,
            update=update,
            identity=identity,
            context=context,
        )
        return present(uow.session, [deliverable])[0]


def _submit_update(
    uow: UnitOfWork,
    *,
    round_number: int,
    number: int,
    update: SubmitUpdateRequest,
    identity: Identity,
    context: EventContext,
) -> Deliverable:
    session = uow.session
    reporting_round = get_round(session, round_number)
    deliverable = get_deliverable(session, number, for_update=True)
    leads = lead_slugs(session, number)
    ensure_may_change_deliverable(identity, leads, number)
    ensure_open(reporting_round)
    if update.new_timescale:
        transitions.check_revision(update.new_timescale, update.reason)
    _report, recorded = reporting.submit_update(
        deliverable,
        leads,
        report_in(session, number, round_number),
        status=update.status,
        narrative=update.narrative,
        new_timescale=update.new_timescale,
        reason=update.reason,
        by=author_of(identity),
        in_round=transitions.InRound(reporting_round.number, reporting_round.name),
    )
    _ensure_revised_status_has_revision(session, deliverable, update.status, recorded)
    record(uow, recorded, context)
    session.flush()
    refresh_search_documents(session, [number])
    return deliverable


def _ensure_revised_status_has_revision(
    session: Session, deliverable: Deliverable, status: DeliverableStatus, recorded: Recorded
) -> None:
    """'In progress (with revised timescale)' needs a revision with an explanation on record."""
    if status is not DeliverableStatus.IN_PROGRESS_REVISED:
        return
    if any(isinstance(row, TimescaleRevision) for row in recorded.rows):
        return
    revised = session.exec(
        select(TimescaleRevision.id).where(
            TimescaleRevision.deliverable_number == deliverable.number
        )
    ).first()
    if revised is None:
        raise BadUserInput(
            "A revised-timescale status needs a new timescale and a reason.",
            field="new_timescale",
        )
