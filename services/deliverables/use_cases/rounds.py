"""Reporting rounds: a coordinator opens one, lead partners report, the coordinator publishes."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from services.deliverables.adapters.history_queries import round_out
from services.deliverables.adapters.plan_writes import open_round
from services.deliverables.adapters.tables import ReportingRound, RoundState, utc_now
from services.deliverables.domain.permissions import ensure_coordinator
from services.deliverables.events import (
    EventContext,
    ReportingRoundPublished,
    stage_round_published,
)
from services.deliverables.schemas_history import RoundOut
from shared.errors import Conflict, NotFound
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork


def get_round(session: Session, number: int) -> ReportingRound:
    reporting_round = session.get(ReportingRound, number)
    if reporting_round is None:
        raise NotFound(f"There is no reporting round {number}.", field="round")
    return reporting_round


def open_new_round(
    uow: UnitOfWork, *, name: str, period_covered: str | None, identity: Identity
) -> RoundOut:
    """The next round, numbered after the last; only one round may be open at a time."""
    ensure_coordinator(identity)
    with uow:
        return round_out(_open_round(uow.session, name, period_covered, identity))


def _open_round(
    session: Session, name: str, period_covered: str | None, identity: Identity
) -> ReportingRound:
    already_open = open_round(session)
    if already_open is not None:
        raise Conflict(f"Round {already_open.number} ({already_open.name}) is still open.")
    last = session.exec(select(func.max(ReportingRound.number))).one()
    reporting_round = ReportingRound(
        number=(last if last is not None else -1) + 1,
        name=name,
        period_covered=period_covered,
        state=RoundState.OPEN,
        opened_by=identity.subject,
    )
    session.add(reporting_round)
    try:
        session.flush()
    except IntegrityError as exc:  # another coordinator opened the same number just now
        raise Conflict("Another round was opened at the same time; reload and retry.") from exc
    return reporting_round


def publish_round(
    uow: UnitOfWork, *, number: int, identity: Identity, context: EventContext
) -> RoundOut:
    """Freeze the round as the next edition and announce it."""
    ensure_coordinator(identity)
    with uow:
        return round_out(_publish(uow, number, identity, context))


def _publish(
    uow: UnitOfWork, number: int, identity: Identity, context: EventContext
) -> ReportingRound:
    session = uow.session
    reporting_round = get_round(session, number)
    if reporting_round.state == RoundState.PUBLISHED:
        raise Conflict(f"Round {number} is already published.")
    reporting_round.state = RoundState.PUBLISHED
    reporting_round.published_at = utc_now()
    reporting_round.published_by = identity.subject
    session.add(reporting_round)
    payload = ReportingRoundPublished(
        round_number=number, name=reporting_round.name, published_at=reporting_round.published_at
    )
    stage_round_published(uow, payload, context)
    return reporting_round


def ensure_open(reporting_round: ReportingRound) -> None:
    if reporting_round.state != RoundState.OPEN:
        raise Conflict(f"Round {reporting_round.number} is published and can no longer change.")
