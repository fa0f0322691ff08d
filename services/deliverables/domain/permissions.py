"""Who may change what: coordinators anything, partner editors the deliverables they lead."""

from __future__ import annotations

from collections.abc import Collection

from shared.errors import Forbidden
from shared.identity import Identity, Role


def may_change_deliverable(identity: Identity, lead_partners: Collection[str]) -> bool:
    if identity.role == Role.COORDINATOR:
        return True
    return (
        identity.role == Role.PARTNER_EDITOR
        and identity.organisation is not None
        and identity.organisation in lead_partners
    )


def ensure_may_change_deliverable(
    identity: Identity, lead_partners: Collection[str], number: int
) -> None:
    if not may_change_deliverable(identity, lead_partners):
        raise Forbidden(
            f"Only a coordinator or an editor of a lead partner of deliverable {number} "
            "may change it."
        )


def ensure_coordinator(identity: Identity) -> None:
    if identity.role != Role.COORDINATOR:
        raise Forbidden("Only a coordinator may do this.")
