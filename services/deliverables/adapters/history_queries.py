"""Read side for a deliverable's full history, the status dashboard and a round's review."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from services.deliverables.adapters.queries import get_deliverable
from services.deliverables.adapters.tables import (
    Aim,
    Deliverable,
    ReportingRound,
    RoundReport,
    StatusChange,
    TimescaleRevision,
)
from services.deliverables.domain.overdue import today
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.schemas_history import (
    DeliverableHistory,
    RevisionOut,
    RoundOut,
    RoundReportOut,
    RoundReview,
    StatusChangeOut,
)

Row = TypeVar("Row", TimescaleRevision, StatusChange)


def round_out(item: ReportingRound) -> RoundOut:
    return RoundOut.model_validate(item, from_attributes=True)


def deliverable_history(session: Session, number: int) -> DeliverableHistory:
    get_deliverable(session, number)  # 404 for an unknown number
    return deliverable_histories(session, [number])[0]


def deliverable_histories(session: Session, numbers: Sequence[int]) -> list[DeliverableHistory]:
    """The histories of several deliverables in four queries, in number order; unknown skipped."""
    wanted = sorted(set(numbers))
    deliverables = session.exec(
        select(Deliverable)
        .where(col(Deliverable.number).in_(wanted))
        .order_by(col(Deliverable.number))
    ).all()
    revisions = _grouped(
        session.exec(
            select(TimescaleRevision)
            .where(col(TimescaleRevision.deliverable_number).in_(wanted))
            .order_by(col(TimescaleRevision.id))
        ).all()
    )
    changes = _grouped(
        session.exec(
            select(StatusChange)
            .where(col(StatusChange.deliverable_number).in_(wanted))
            .order_by(col(StatusChange.id))
        ).all()
    )
    by_number = _reports_of(session, wanted)
    return [
        DeliverableHistory(
            number=deliverable.number,
            title=deliverable.title,
            opened_round=deliverable.opened_round,
            closed_round=deliverable.closed_round,
            additional_information=deliverable.additional_information,
            original_timescale=deliverable.original_timescale,
            timescale=deliverable.timescale,
            revisions=[_revision_out(row) for row in revisions[deliverable.number]],
            status_changes=[_change_out(row) for row in changes[deliverable.number]],
            rounds=by_number[deliverable.number],
        )
        for deliverable in deliverables
    ]


def _reports_of(session: Session, wanted: list[int]) -> dict[int, list[RoundReportOut]]:
    """Each deliverable's round reports with their round's name, oldest round first."""
    reports = session.exec(
        select(RoundReport, ReportingRound)
        .join(ReportingRound, col(ReportingRound.number) == col(RoundReport.round_number))
        .where(col(RoundReport.deliverable_number).in_(wanted))
        .order_by(col(RoundReport.round_number))
    ).all()
    by_number: dict[int, list[RoundReportOut]] = defaultdict(list)
    for report, named in reports:
        by_number[report.deliverable_number].append(_report_out(report, named))
    return by_number


def _grouped(rows: Sequence[Row]) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row.deliverable_number].append(row)
    return grouped


def _revision_out(row: TimescaleRevision) -> RevisionOut:
    return RevisionOut(
        round=row.round_number,
        old_timescale=row.old_timescale,
        new_timescale=row.new_timescale,
        due_date=row.new_due_date,
        reason=row.reason,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def _change_out(row: StatusChange) -> StatusChangeOut:
    return StatusChangeOut(
        round=row.round_number,
        old_status=row.old_status,
        new_status=row.new_status,
        reason=row.reason,
        changed_by=row.changed_by,
        changed_by_name=row.changed_by_name,
        changed_at=row.changed_at,
    )


def _report_out(report: RoundReport, reporting_round: ReportingRound) -> RoundReportOut:
    status = DeliverableStatus(report.status)
    return RoundReportOut(
        round=report.round_number,
        round_name=reporting_round.name,
        status=status,
        status_label=status.label,
        narrative=report.narrative,
        submitted_by=report.submitted_by,
        submitted_at=report.submitted_at,
    )


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def status_counts(session: Session) -> list[dict[str, int | str]]:
    """Counts by status per aim (``AimStatusCounts``), computed by the database in one grouped
    query; plain dicts, ready for JSON, nothing validated again."""
    status = col(Deliverable.status)
    late = (col(Deliverable.due_date) < today()) & (status != DeliverableStatus.COMPLETE.value)
    statement = (
        sa_select(
            col(Aim.number),
            col(Aim.title),
            func.count(col(Deliverable.number)),
            *(_count_where(status == s.value) for s in DeliverableStatus),
            _count_where(late),
        )
        .join(Deliverable, col(Deliverable.aim_number) == col(Aim.number), isouter=True)
        .group_by(col(Aim.number), col(Aim.title))
        .order_by(col(Aim.number))
    )
    fields = ["aim", "title", "total", *(s.value for s in DeliverableStatus), "overdue"]
    return [
        dict(zip(fields, (v or 0 for v in row), strict=True))
        for row in session.execute(statement).all()
    ]


def review_round(session: Session, reporting_round: ReportingRound) -> RoundReview:
    """Before publishing: missing updates, overdue items, revised statuses with no revision."""
    open_items = session.exec(
        select(Deliverable).where(col(Deliverable.status) != DeliverableStatus.COMPLETE.value)
    ).all()
    reported = set(
        session.exec(
            select(RoundReport.deliverable_number).where(
                RoundReport.round_number == reporting_round.number
            )
        ).all()
    )
    revised = set(session.exec(select(TimescaleRevision.deliverable_number)).all())
    return RoundReview(
        round=round_out(reporting_round),
        missing_updates=sorted(d.number for d in open_items if d.number not in reported),
        overdue=sorted(
            d.number for d in open_items if d.due_date is not None and d.due_date < today()
        ),
        revised_without_revision=sorted(
            d.number
            for d in open_items
            if d.status == DeliverableStatus.IN_PROGRESS_REVISED.value and d.number not in revised
        ),
    )
