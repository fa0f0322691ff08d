"""Who may change which entries: coordinators everything, directory editors their own area."""

from __future__ import annotations

from collections.abc import Iterable

from shared.errors import Forbidden
from shared.identity import Identity, Role


def ensure_may_edit(identity: Identity, service_areas: Iterable[str]) -> None:
    """Editors must cover one of the service's areas."""
    if identity.role == Role.COORDINATOR:
        return
    if identity.role == Role.DIRECTORY_EDITOR and identity.local_authority in set(service_areas):
        return
    raise Forbidden(
        "Only a coordinator or a directory editor of this service's area may change it."
    )


def ensure_may_place_in(identity: Identity, areas: Iterable[str]) -> None:
    """Editors may only put entries in (or add) their own area."""
    if identity.role == Role.COORDINATOR:
        return
    wanted = set(areas)
    if identity.role == Role.DIRECTORY_EDITOR and wanted <= {identity.local_authority}:
        return
    raise Forbidden("A directory editor may only list services in their own local-authority area.")
