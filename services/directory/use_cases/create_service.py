"""Add a directory entry: placed only in areas the caller may edit; raises ServiceCreated."""

from __future__ import annotations

import structlog
from sqlmodel import Session, col, select

from services.directory.adapters.search.index import reindex_service
from services.directory.adapters.tables import LocalAuthority, Organization, Service
from services.directory.domain.permissions import ensure_may_place_in
from services.directory.events import ServiceCreated, announce
from services.directory.schemas import ServiceCreate, ServiceOut
from services.directory.use_cases.fields import apply_fields
from services.directory.use_cases.history import diff, record_changes, snapshot
from shared.errors import BadUserInput
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()


def create_service(
    uow: UnitOfWork,
    request: ServiceCreate,
    *,
    identity: Identity,
    correlation_id: str | None = None,
) -> ServiceOut:
    """Create the entry, its first history rows and its event in one transaction."""
    ensure_may_place_in(identity, request.local_authorities)
    with uow:
        session = uow.session
        organisation = _organisation_for(session, request)
        service = Service(
            organization_id=organisation.id,
            name=request.name,
            is_sample=request.is_sample,
            providing_partnership_code=_partnership_of(session, request.local_authorities),
            last_reviewed_by=identity.subject,
        )
        session.add(service)
        session.flush()
        fields = request.model_dump(
            exclude_unset=True, exclude={"organisation_id", "organisation_name", "is_sample"}
        )
        apply_fields(session, service, fields)
        created = snapshot(session, service.id)
        record_changes(session, service.id, diff({}, created), identity=identity, kind="created")
        reindex_service(session, service.id)
        view = announce(
            uow, ServiceCreated, service.id, identity=identity,
            correlation_id=correlation_id, status=service.status,
        )  # fmt: skip
        log.info("service_created", service_id=view.id)
        return view


def _organisation_for(session: Session, request: ServiceCreate) -> Organization:
    if request.organisation_id:
        found = session.get(Organization, request.organisation_id)
        if found is None:
            raise BadUserInput("Unknown organisation_id.", field="organisation_id")
        return found
    if not request.organisation_name:
        raise BadUserInput("Give organisation_id or organisation_name.", field="organisation_id")
    existing = session.exec(
        select(Organization).where(col(Organization.name) == request.organisation_name)
    ).first()
    if existing is not None:
        return existing
    organisation = Organization(name=request.organisation_name, is_sample=request.is_sample)
    session.add(organisation)
    session.flush()
    return organisation


def _partnership_of(session: Session, areas: list[str]) -> str | None:
    """The partnership that owns a new entry: the one covering its first area."""
    area = session.get(LocalAuthority, sorted(areas)[0])
    return area.partnership_code if area is not None else None
