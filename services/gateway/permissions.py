"""Who may change what (checked here and again by each service: defence in depth)."""

from __future__ import annotations

from collections.abc import Iterable

from services.gateway.errors import ErrorCode, GatewayError
from shared.identity import Identity, Role


def forbidden(message: str) -> GatewayError:
    return GatewayError(ErrorCode.FORBIDDEN, message)


def ensure_may_edit_deliverables(identity: Identity) -> None:
    if identity.role not in {Role.COORDINATOR, Role.PARTNER_EDITOR}:
        raise forbidden("Only a coordinator or a lead partner's editor can change a deliverable.")


def ensure_may_change_deliverable(identity: Identity, lead_partners: Iterable[str]) -> None:
    """Coordinators may change any deliverable; a partner editor only those their body leads."""
    ensure_may_edit_deliverables(identity)
    if identity.role is Role.PARTNER_EDITOR and identity.organisation not in set(lead_partners):
        raise forbidden(
            "Only an editor of one of this deliverable's lead partners can change it; "
            "ask the lead partner or a coordinator."
        )


def ensure_may_edit_services(identity: Identity) -> None:
    if identity.role not in {Role.COORDINATOR, Role.DIRECTORY_EDITOR}:
        raise forbidden("Only a coordinator or a directory editor can change a directory service.")


def ensure_may_change_service(identity: Identity, areas: Iterable[str]) -> None:
    """Coordinators may change any service; a directory editor only services in their area."""
    ensure_may_edit_services(identity)
    if identity.role is Role.DIRECTORY_EDITOR and identity.local_authority not in set(areas):
        raise forbidden(
            "Only a directory editor of one of this service's areas can change it; "
            "ask that area's editor or a coordinator."
        )


def ensure_coordinator(identity: Identity) -> None:
    if identity.role is not Role.COORDINATOR:
        raise forbidden("Only a coordinator can do this.")
