"""Change a directory entry: scoped to its areas, with history and a ServiceUpdated event."""

from __future__ import annotations

import structlog
from sqlmodel import Session, col, select

from services.directory.adapters.search.index import reindex_service
from services.directory.adapters.tables import Service, ServiceArea
from services.directory.adapters.tables.base import utc_now
from services.directory.adapters.views import service_views
from services.directory.domain.permissions import ensure_may_edit, ensure_may_place_in
from services.directory.events import ServiceUpdated, announce, field_changes
from services.directory.schemas import ServiceOut, ServicePatch
from services.directory.use_cases.fields import apply_fields
from services.directory.use_cases.history import diff, record_changes, snapshot
from shared.errors import NotFound
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()


def load_service(session: Session, service_id: str, *, for_update: bool = False) -> Service:
    """The service row; ``for_update`` locks it (PostgreSQL) so concurrent changes queue up."""
    service = session.get(Service, service_id, with_for_update=for_update)
    if service is None:
        raise NotFound(f"There is no service with id {service_id}.", field="id")
    return service


def areas_of(session: Session, service_id: str) -> list[str]:
    return list(
        session.exec(
            select(ServiceArea.local_authority_code).where(
                col(ServiceArea.service_id) == service_id
            )
        )
    )


def update_service(
    uow: UnitOfWork,
    service_id: str,
    patch: ServicePatch,
    *,
    identity: Identity,
    correlation_id: str | None = None,
) -> ServiceOut:
    """Apply ``patch``; the change, its history and its event commit together or not at all."""
    fields = patch.model_dump(exclude_unset=True)
    with uow:
        session = uow.session
        service = load_service(session, service_id, for_update=True)
        old_areas = areas_of(session, service_id)
        ensure_may_edit(identity, old_areas)
        if "local_authorities" in fields:
            added = set(fields["local_authorities"] or []) - set(old_areas)
            ensure_may_place_in(identity, added)
        before = snapshot(session, service_id)
        apply_fields(session, service, fields)
        changes = diff(before, snapshot(session, service_id))
        if changes:
            service.updated_at = utc_now()
            session.add(service)
            record_changes(session, service_id, changes, identity=identity)
            reindex_service(session, service_id)
            announce(
                uow, ServiceUpdated, service_id, identity=identity,
                correlation_id=correlation_id, changes=field_changes(changes),
            )  # fmt: skip
            log.info("service_updated", service_id=service_id, fields=sorted(changes))
        return service_views(session, [service_id])[0]
