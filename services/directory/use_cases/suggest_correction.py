"""Anyone may suggest a correction; it is routed to the partnership that owns the entry."""

from __future__ import annotations

import structlog
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.directory.adapters.tables import LocalAuthority, Partnership, Suggestion
from services.directory.adapters.tables.base import as_utc, utc_now
from services.directory.events import ServiceCorrectionSuggested, announce, owner_details
from services.directory.schemas import SuggestionCreate, SuggestionOut
from services.directory.use_cases.update_service import load_service
from shared.errors import Forbidden, NotFound
from shared.identity import Identity, Role
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()


def suggest_correction(
    uow: UnitOfWork, service_id: str, request: SuggestionCreate, *, correlation_id: str | None
) -> SuggestionOut:
    with uow:
        session = uow.session
        service = load_service(session, service_id)
        owner = session.get(Partnership, service.providing_partnership_code or "")
        suggestion = Suggestion(
            service_id=service_id,
            partnership_code=owner.code if owner else None,
            field=request.field,
            message=request.message,
            suggested_by_name=request.name,
            suggested_by_email=request.email,
        )
        session.add(suggestion)
        session.flush()
        announce(
            uow, ServiceCorrectionSuggested, service_id, identity=None,
            correlation_id=correlation_id, suggestion_id=suggestion.id, field=request.field,
            message=request.message, **owner_details(owner),
        )  # fmt: skip
        log.info("correction_suggested", service_id=service_id, suggestion_id=suggestion.id)
        return _out(session, suggestion)


def list_suggestions(
    engine: Engine, *, identity: Identity, status: str = "open"
) -> list[SuggestionOut]:
    """Coordinators see every suggestion; a directory editor sees their partnership's."""
    with Session(engine) as session:
        statement = select(Suggestion).where(col(Suggestion.status) == status)
        if identity.role != Role.COORDINATOR:
            statement = statement.where(
                col(Suggestion.partnership_code) == _partnership_of_editor(session, identity)
            )
        rows = session.exec(statement.order_by(col(Suggestion.created_at)))
        return [_out(session, row) for row in rows]


def resolve_suggestion(uow: UnitOfWork, suggestion_id: str, *, identity: Identity) -> SuggestionOut:
    with uow:
        session = uow.session
        suggestion = session.get(Suggestion, suggestion_id)
        if suggestion is None:
            raise NotFound(f"There is no suggestion with id {suggestion_id}.", field="id")
        if identity.role != Role.COORDINATOR and suggestion.partnership_code != (
            _partnership_of_editor(session, identity)
        ):
            raise Forbidden("Only the owning partnership or a coordinator may resolve this.")
        suggestion.status = "resolved"
        suggestion.resolved_at = utc_now()
        suggestion.resolved_by = identity.subject
        session.add(suggestion)
        return _out(session, suggestion)


def _partnership_of_editor(session: Session, identity: Identity) -> str:
    area = session.get(LocalAuthority, identity.local_authority or "")
    if identity.role != Role.DIRECTORY_EDITOR or area is None:
        raise Forbidden("Only directory editors and coordinators see suggested corrections.")
    return area.partnership_code


def _out(session: Session, row: Suggestion) -> SuggestionOut:
    owner = session.get(Partnership, row.partnership_code or "")
    return SuggestionOut(
        id=row.id, service_id=row.service_id, partnership=owner.name if owner else None,
        field=row.field, message=row.message, status=row.status,
        created_at=as_utc(row.created_at),
    )  # fmt: skip
