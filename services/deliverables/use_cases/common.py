"""What every deliverable use case needs: the author of a change, its round, the round's report."""

from __future__ import annotations

from sqlmodel import Session, select

from services.deliverables.adapters.tables import ReportingRound, RoundReport
from services.deliverables.domain.transitions import Author, InRound
from shared.identity import Identity


def author_of(identity: Identity) -> Author:
    return Author(identity.subject, identity.name)


def round_of(reporting_round: ReportingRound | None) -> InRound | None:
    if reporting_round is None:
        return None
    return InRound(reporting_round.number, reporting_round.name)


def report_in(session: Session, number: int, round_number: int) -> RoundReport | None:
    """The deliverable's report for the round, if one was written."""
    return session.exec(
        select(RoundReport).where(
            RoundReport.deliverable_number == number, RoundReport.round_number == round_number
        )
    ).first()
