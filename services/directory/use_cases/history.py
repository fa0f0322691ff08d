"""Snapshots of a service's editable fields and the history rows that record a change."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from services.directory.adapters.tables import ServiceChange
from services.directory.adapters.views import service_views
from services.directory.schemas import EditableFields
from shared.identity import Identity

EDITABLE = tuple(EditableFields.model_fields)


def snapshot(session: Session, service_id: str) -> dict[str, Any]:
    """The editable fields of a service as JSON values, read back from the database."""
    session.flush()
    view = service_views(session, [service_id])[0].model_dump(mode="json")
    return {name: view.get(name) for name in EDITABLE}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"old": before.get(name), "new": after[name]}
        for name in after
        if before.get(name) != after[name]
    }


def record_changes(
    session: Session,
    service_id: str,
    changes: dict[str, dict[str, Any]],
    *,
    identity: Identity,
    kind: str = "updated",
) -> None:
    """One history row per changed field: who, when, old and new value."""
    for field, change in changes.items():
        session.add(
            ServiceChange(
                service_id=service_id,
                kind=kind,
                field=field,
                old_value=json.dumps(change["old"]),
                new_value=json.dumps(change["new"]),
                changed_by=identity.subject,
                changed_by_name=identity.name,
                changed_by_role=identity.role.value,
            )
        )
