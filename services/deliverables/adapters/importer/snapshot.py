"""The stored plan as an import finds it: read in a few queries, kept current while importing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from services.deliverables.adapters.queries import partners_of
from services.deliverables.adapters.tables import (
    Deliverable,
    PartnerRole,
    RoundReport,
    TimescaleRevision,
)


@dataclass
class PlanSnapshot:
    """The stored plan as the import found it (and as it changes during the import)."""

    deliverables: dict[int, Deliverable]
    partners: dict[int, tuple[list[str], list[str]]]
    revisions: dict[int, set[tuple[int | None, str]]]
    reports: dict[int, RoundReport] = field(default_factory=dict)

    @classmethod
    def read(cls, session: Session, round_number: int) -> PlanSnapshot:
        deliverables = {d.number: d for d in session.exec(select(Deliverable))}
        links = partners_of(session, list(deliverables))
        revisions: dict[int, set[tuple[int | None, str]]] = {}
        for row in session.exec(select(TimescaleRevision)):
            revisions.setdefault(row.deliverable_number, set()).add(
                (row.round_number, row.new_timescale)
            )
        reports = session.exec(
            select(RoundReport).where(col(RoundReport.round_number) == round_number)
        )
        return cls(
            deliverables=deliverables,
            partners={
                number: (
                    [ref.slug for ref in links[number][PartnerRole.LEAD]],
                    [ref.slug for ref in links[number][PartnerRole.COLLABORATOR]],
                )
                for number in deliverables
            },
            revisions=revisions,
            reports={report.deliverable_number: report for report in reports},
        )
