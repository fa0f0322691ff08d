"""The review cycle: ask owning partnerships to review stale entries; a review resets the clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import Engine, or_
from sqlmodel import Session, col, select

from services.directory.adapters.tables import Partnership, Service, ServiceArea
from services.directory.adapters.tables.base import as_utc, utc_now
from services.directory.adapters.views import service_views
from services.directory.domain.permissions import ensure_may_edit
from services.directory.domain.review import DUE_SOON, stale_before
from services.directory.events import ServiceReviewDue, announce, owner_details
from services.directory.schemas import ServiceOut
from services.directory.use_cases.history import record_changes
from services.directory.use_cases.update_service import areas_of, load_service
from shared.errors import Forbidden
from shared.identity import Identity, Role
from shared.unit_of_work import UnitOfWork

# A partnership that has not reviewed an entry is asked again after this long.
REMIND_AFTER = timedelta(days=30)
log = structlog.get_logger()


def review_service(
    uow: UnitOfWork, service_id: str, *, identity: Identity, note: str | None = None
) -> ServiceOut:
    """Record that the entry was checked and is correct: its six-month clock starts again."""
    with uow:
        session = uow.session
        service = load_service(session, service_id, for_update=True)
        ensure_may_edit(identity, areas_of(session, service_id))
        previous = as_utc(service.last_reviewed_at).isoformat()
        service.last_reviewed_at = utc_now()
        service.last_reviewed_by = identity.subject
        service.review_requested_at = None
        session.add(service)
        change = {"old": previous, "new": service.last_reviewed_at.isoformat(), "note": note}
        record_changes(
            session, service_id, {"last_reviewed_at": change}, identity=identity, kind="reviewed"
        )
        log.info("service_reviewed", service_id=service_id)
        return service_views(session, [service_id])[0]


def request_due_reviews(uow: UnitOfWork, *, now: datetime | None = None) -> int:
    """Raise ``ServiceReviewDue`` for each stale entry not asked about lately; returns how many."""
    moment = now or utc_now()
    with uow:
        session = uow.session
        due = session.exec(
            select(Service)
            .where(
                col(Service.last_reviewed_at) < stale_before(moment),
                col(Service.withdrawn_at).is_(None),
                or_(
                    col(Service.review_requested_at).is_(None),
                    col(Service.review_requested_at) < moment - REMIND_AFTER,
                ),
            )
            .order_by(col(Service.last_reviewed_at))
        ).all()
        for service in due:
            _ask_for_review(uow, service, moment)
    if due:
        log.info("service_reviews_requested", count=len(due))
    return len(due)


def _ask_for_review(uow: UnitOfWork, service: Service, moment: datetime) -> None:
    session = uow.session
    service.review_requested_at = moment
    session.add(service)
    owner = session.get(Partnership, service.providing_partnership_code or "")
    announce(
        uow, ServiceReviewDue, service.id, identity=None, correlation_id=None,
        last_reviewed_at=as_utc(service.last_reviewed_at), **owner_details(owner),
    )  # fmt: skip


def review_queue(engine: Engine, *, identity: Identity) -> list[ServiceOut]:
    """Entries in the caller's area (a coordinator: all) past or within 30 days of review.

    Most overdue first; withdrawn entries are left out.
    """
    if identity.role not in (Role.COORDINATOR, Role.DIRECTORY_EDITOR):
        raise Forbidden("Only directory editors and coordinators have a review queue.")
    with Session(engine) as session:
        statement = select(Service.id).where(
            col(Service.last_reviewed_at) < stale_before(utc_now() + DUE_SOON),
            col(Service.withdrawn_at).is_(None),
        )
        if identity.role == Role.DIRECTORY_EDITOR:
            in_area = select(ServiceArea.service_id).where(
                col(ServiceArea.local_authority_code) == identity.local_authority
            )
            statement = statement.where(col(Service.id).in_(in_area))
        ids = session.exec(statement.order_by(col(Service.last_reviewed_at))).all()
        return service_views(session, list(ids))
