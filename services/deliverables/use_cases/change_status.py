"""Change a deliverable's status: history row, round report and event in one transaction."""

from __future__ import annotations

import structlog
from sqlmodel import Session, select

from services.deliverables.events import (
    DeliverableStatusChanged,
    EventContext,
    stage_deliverable_event,
)
from services.deliverables.models import (
    Deliverable,
    ReportingRound,
    RoundReport,
    StatusChange,
    utc_now,
)
from services.deliverables.permissions import ensure_may_change_deliverable
from services.deliverables.plan_writes import open_round
from services.deliverables.queries import get_deliverable, lead_slugs
from services.deliverables.statuses import DeliverableStatus
from services.deliverables.use_cases.facts import facts_of
from shared.identity import Identity

log = structlog.get_logger()


def change_status(
    session: Session,
    *,
    number: int,
    status: DeliverableStatus,
    reason: str | None,
    identity: Identity,
    context: EventContext,
) -> Deliverable:
    """Raise NotFound / Forbidden before writing anything; an unchanged status writes nothing."""
    deliverable = get_deliverable(session, number, for_update=True)
    ensure_may_change_deliverable(identity, lead_slugs(session, number), number)
    current_round = open_round(session)
    changed = apply_status(session, deliverable, status, reason, identity, current_round, context)
    if changed and current_round is not None:
        record_round_report(session, number, current_round.number, status, identity.subject)
    return deliverable


def apply_status(
    session: Session,
    deliverable: Deliverable,
    status: DeliverableStatus,
    reason: str | None,
    identity: Identity,
    in_round: ReportingRound | None,
    context: EventContext,
) -> bool:
    """Record a status change and stage its event; False (and no writes) if it is unchanged."""
    old_status = deliverable.status
    if old_status == status.value:
        return False
    session.add(
        StatusChange(
            deliverable_number=deliverable.number,
            round_number=in_round.number if in_round else None,
            old_status=old_status,
            new_status=status.value,
            reason=reason,
            changed_by=identity.subject,
            changed_by_name=identity.name,
        )
    )
    deliverable.status = status.value
    if status is DeliverableStatus.COMPLETE and in_round is not None:
        deliverable.closed_round = in_round.number
    deliverable.updated_at = utc_now()
    session.add(deliverable)
    payload = DeliverableStatusChanged(
        **facts_of(session, deliverable),
        old_status=old_status,
        new_status=status.value,
        round=in_round.name if in_round else None,
    )
    stage_deliverable_event(session, payload, context)
    log.info(
        "deliverable_status_changed", number=deliverable.number, old=old_status, new=status.value
    )
    return True


def record_round_report(
    session: Session, number: int, round_number: int, status: DeliverableStatus, actor: str
) -> RoundReport:
    """The deliverable's report for the round, created or given the new status."""
    report = session.exec(
        select(RoundReport).where(
            RoundReport.deliverable_number == number, RoundReport.round_number == round_number
        )
    ).first()
    if report is None:
        report = RoundReport(deliverable_number=number, round_number=round_number, status=status)
    report.status = status.value
    report.submitted_by = actor
    report.submitted_at = utc_now()
    session.add(report)
    session.flush()
    return report
