"""Replace where, when and whom to contact for a service: its locations, hours and contacts."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, delete, select

from services.directory.adapters.tables import (
    Contact,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
)


def replace_schedules(session: Session, service_id: str, given: list[dict[str, Any]]) -> None:
    session.exec(delete(Schedule).where(col(Schedule.service_id) == service_id))
    for hours in given:
        session.add(Schedule(service_id=service_id, **hours))


def replace_contacts(session: Session, service_id: str, given: list[dict[str, Any]]) -> None:
    session.exec(delete(Contact).where(col(Contact.service_id) == service_id))
    for person in given:
        session.add(Contact(service_id=service_id, **person))


def replace_locations(session: Session, service: Service, given: list[dict[str, Any]]) -> None:
    """Unlink the service's locations (dropping those no other service uses) and add ``given``."""
    links = session.exec(
        select(ServiceAtLocation).where(col(ServiceAtLocation.service_id) == service.id)
    ).all()
    place_ids = {link.location_id for link in links}
    for link in links:
        session.exec(delete(Schedule).where(col(Schedule.service_at_location_id) == link.id))
        session.delete(link)
    session.flush()
    for place_id in place_ids:
        still_used = session.exec(
            select(ServiceAtLocation.id).where(col(ServiceAtLocation.location_id) == place_id)
        ).first()
        if still_used is None:
            session.exec(delete(Location).where(col(Location.id) == place_id))
    for place in given:
        row = Location(organization_id=service.organization_id, **place)
        session.add(row)
        session.flush()
        session.add(ServiceAtLocation(service_id=service.id, location_id=row.id))
