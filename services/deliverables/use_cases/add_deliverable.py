"""Add a new deliverable to the plan (as 42-50 were added in update 2), opened in the open round."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.deliverables.adapters.plan_writes import open_round, set_partners
from services.deliverables.adapters.queries import present
from services.deliverables.adapters.search import refresh_search_documents
from services.deliverables.adapters.tables import Deliverable, Organisation, PriorityAction
from services.deliverables.domain import transitions
from services.deliverables.domain.permissions import ensure_coordinator
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.domain.timescales import due_date_of
from services.deliverables.events import EventContext
from services.deliverables.schemas import DeliverableOut
from services.deliverables.schemas_history import NewDeliverableRequest
from services.deliverables.use_cases.common import author_of
from services.deliverables.use_cases.recording import record
from shared.errors import BadUserInput, Conflict
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork


def add_deliverable(
    uow: UnitOfWork, *, request: NewDeliverableRequest, identity: Identity, context: EventContext
) -> DeliverableOut:
    ensure_coordinator(identity)
    with uow:
        deliverable = _add(uow, request, identity, context)
        return present(uow.session, [deliverable])[0]


def _add(
    uow: UnitOfWork, request: NewDeliverableRequest, identity: Identity, context: EventContext
) -> Deliverable:
    session = uow.session
    action = session.get(PriorityAction, request.priority_action)
    if action is None:
        raise BadUserInput(
            f"There is no priority action {request.priority_action}.", field="priority_action"
        )
    _ensure_known_organisations(session, [*request.lead_partners, *request.collaborators])
    number = request.number or (session.exec(select(func.max(Deliverable.number))).one() or 0) + 1
    if session.get(Deliverable, number) is not None:
        raise Conflict(f"Deliverable {number} already exists.")
    if due_date_of(request.timescale) is None:
        raise BadUserInput("The timescale must name a month and year.", field="timescale")
    current_round = open_round(session)
    deliverable = Deliverable(
        number=number,
        aim_number=action.aim_number,
        priority_action_number=action.number,
        title=request.title,
        text=request.text,
        original_timescale=request.timescale,
        timescale=request.timescale,
        status=DeliverableStatus.IN_PROGRESS.value,
    )
    leads = list(dict.fromkeys(request.lead_partners))
    recorded = transitions.add(
        deliverable,
        leads,
        opened_in=current_round.number if current_round else None,
        by=author_of(identity),
    )
    session.add(deliverable)
    session.flush()
    set_partners(session, number, leads=leads, collaborators=request.collaborators)
    record(uow, recorded, context)
    refresh_search_documents(session, [number])
    return deliverable


def _ensure_known_organisations(session: Session, slugs: list[str]) -> None:
    known = set(
        session.exec(select(Organisation.slug).where(col(Organisation.slug).in_(slugs))).all()
    )
    unknown = sorted(set(slugs) - known)
    if unknown:
        raise BadUserInput(f"Unknown organisations: {', '.join(unknown)}.", field="lead_partners")
