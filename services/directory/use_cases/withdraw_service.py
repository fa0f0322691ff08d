"""Withdraw an entry that no longer runs: status becomes defunct, ServiceWithdrawn is raised."""

from __future__ import annotations

import structlog

from services.directory.adapters.search.index import reindex_service
from services.directory.adapters.tables.base import utc_now
from services.directory.domain.permissions import ensure_may_edit
from services.directory.events import ServiceWithdrawn, announce
from services.directory.schemas import ServiceOut
from services.directory.use_cases.history import diff, record_changes, snapshot
from services.directory.use_cases.update_service import areas_of, load_service
from shared.errors import Conflict
from shared.identity import Identity
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()


def withdraw_service(
    uow: UnitOfWork,
    service_id: str,
    reason: str,
    *,
    identity: Identity,
    correlation_id: str | None = None,
) -> ServiceOut:
    with uow:
        session = uow.session
        service = load_service(session, service_id, for_update=True)
        ensure_may_edit(identity, areas_of(session, service_id))
        if service.withdrawn_at is not None:
            raise Conflict("This service is already withdrawn.")
        before = snapshot(session, service_id)
        service.status = "defunct"
        service.withdrawn_at = service.updated_at = utc_now()
        service.withdrawal_reason = reason
        session.add(service)
        record_changes(
            session, service_id, diff(before, snapshot(session, service_id)),
            identity=identity, kind="withdrawn",
        )  # fmt: skip
        reindex_service(session, service_id)
        view = announce(
            uow, ServiceWithdrawn, service_id, identity=identity,
            correlation_id=correlation_id, reason=reason,
        )  # fmt: skip
        log.info("service_withdrawn", service_id=service_id)
        return view
