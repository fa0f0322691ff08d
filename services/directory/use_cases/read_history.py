"""Read the change history of one entry (who, when, old and new value)."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.directory.adapters.tables import ServiceChange
from services.directory.adapters.tables.base import as_utc
from services.directory.schemas import ChangeOut
from services.directory.use_cases.update_service import load_service


def read_history(engine: Engine, service_id: str) -> list[ChangeOut]:
    with Session(engine) as session:
        load_service(session, service_id)
        rows = session.exec(
            select(ServiceChange)
            .where(col(ServiceChange.service_id) == service_id)
            .order_by(col(ServiceChange.id))
        )
        return [
            ChangeOut(
                kind=row.kind,
                field=row.field,
                old=json.loads(row.old_value) if row.old_value else None,
                new=json.loads(row.new_value) if row.new_value else None,
                changed_by=row.changed_by,
                changed_by_name=row.changed_by_name,
                changed_at=as_utc(row.changed_at),
            )
            for row in rows
        ]
