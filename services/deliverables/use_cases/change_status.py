"""Change a deliverable's status: history row, round report and event in one transaction."""

from __future__ import annotations

import structlog

from services.deliverables.adapters.plan_writes import open_round
from services.deliverables.adapters.queries import get_deliverable, lead_slugs, present
from services.deliverables.adapters.tables import Deliverable
from services.deliverables.domain import reporting, transitions
from services.deliverables.domain.permissions import ensure_may_change_deliverable
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.events import EventContext
from services.deliverables.schemas import DeliverableOut
from services.deliverables.use_cases.common import author_of, report_in, round_of
from services.deliverables.use_cases.recording import record
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()


def change_status(
    uow: UnitOfWork,
    *,
    number: int,
    status: DeliverableStatus,
    reason: str | None,
    identity: Identity,
    context: EventContext,
) -> DeliverableOut:
    """Raise NotFound / Forbidden before writing anything; an unchanged status writes nothing.

    In an open round the round's report takes the new status too.
    """
    with uow:
        deliverable = _change_status(
            uow, number=number, status=status, reason=reason, identity=identity, context=context
        )
        return present(uow.session, [deliverable])[0]


def _change_status(
    uow: UnitOfWork,
    *,
    number: int,
    status: DeliverableStatus,
    reason: str | None,
    identity: Identity,
    context: EventContext,
) -> Deliverable:
    session = uow.session
    deliverable = get_deliverable(session, number, for_update=True)
    leads = lead_slugs(session, number)
    ensure_may_change_deliverable(identity, leads, number)
    in_round, author = round_of(open_round(session)), author_of(identity)
    old = deliverable.status
    recorded = transitions.change_status(
        deliverable, leads, status, reason=reason, by=author, in_round=in_round
    )
    if recorded and in_round is not None:
        _, reported = reporting.report(
            deliverable,
            leads,
            report_in(session, number, in_round.number),
            status=status,
            narrative=None,
            by=author,
            in_round=in_round,
        )
        recorded += reported
    if record(uow, recorded, context):
        log.info("deliverable_status_changed", number=number, old=old, new=status.value)
    return deliverable
