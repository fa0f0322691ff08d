"""A lead partner's update for one deliverable in an open round: status, narrative, revision."""

from __future__ import annotations

from sqlmodel import Session, select

from services.deliverables.events import DeliverableUpdated, EventContext, stage_deliverable_event
from services.deliverables.models import Deliverable, TimescaleRevision
from services.deliverables.permissions import ensure_may_change_deliverable
from services.deliverables.queries import get_deliverable, lead_slugs
from services.deliverables.schemas_history import SubmitUpdateRequest
from services.deliverables.search import refresh_search_documents
from services.deliverables.statuses import DeliverableStatus
from services.deliverables.use_cases.change_status import apply_status, record_round_report
from services.deliverables.use_cases.facts import facts_of
from services.deliverables.use_cases.revise_timescale import record_revision
from services.deliverables.use_cases.rounds import ensure_open, get_round
from shared.errors import BadUserInput
from shared.identity import Identity


def submit_update(
    session: Session,
    *,
    round_number: int,
    number: int,
    update: SubmitUpdateRequest,
    identity: Identity,
    context: EventContext,
) -> Deliverable:
    reporting_round = get_round(session, round_number)
    deliverable = get_deliverable(session, number, for_update=True)
    ensure_may_change_deliverable(identity, lead_slugs(session, number), number)
    ensure_open(reporting_round)
    if update.new_timescale:
        record_revision(
            session,
            deliverable,
            update.new_timescale,
            update.reason,
            identity,
            reporting_round,
            context,
        )
    _ensure_revised_status_has_revision(session, deliverable, update.status)
    apply_status(
        session, deliverable, update.status, update.reason, identity, reporting_round, context
    )
    report = record_round_report(session, number, round_number, update.status, identity.subject)
    if report.narrative != update.narrative:
        report.narrative = update.narrative
        deliverable.latest_update = update.narrative
        session.add_all([report, deliverable])
        payload = DeliverableUpdated(
            **facts_of(session, deliverable),
            narrative=update.narrative,
            round=reporting_round.name,
        )
        stage_deliverable_event(session, payload, context)
    session.flush()
    refresh_search_documents(session, [number])
    return deliverable


def _ensure_revised_status_has_revision(
    session: Session, deliverable: Deliverable, status: DeliverableStatus
) -> None:
    """'In progress (with revised timescale)' needs a revision with an explanation on record."""
    if status is not DeliverableStatus.IN_PROGRESS_REVISED:
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
