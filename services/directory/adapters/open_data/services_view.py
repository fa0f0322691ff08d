"""HSDS service objects for a batch of ids: brief (``service_list``) or fully nested."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, select

from services.directory.adapters.open_data import shapes
from services.directory.adapters.open_data.shapes import HsdsObject
from services.directory.adapters.read_model import stored_views
from services.directory.adapters.tables import (
    Attribute,
    Contact,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceChange,
    Taxonomy,
    TaxonomyTerm,
)
from services.directory.domain.incumbent import INCUMBENT_FIELDS


def hsds_services(session: Session, ids: list[str], *, full: bool) -> list[HsdsObject]:
    """The services in ``ids`` order; ``full`` nests every related object."""
    rows = {s.id: s for s in session.exec(select(Service).where(col(Service.id).in_(ids)))}
    organisations = _organisations(session, {s.organization_id for s in rows.values()})
    shaped = []
    for service_id in ids:
        if service_id in rows:
            item = shapes.service_one_to_one(rows[service_id])
            item["organization"] = organisations[rows[service_id].organization_id]
            shaped.append(item)
    if full and shaped:
        _nest(session, {item["id"]: item for item in shaped}, rows)
    return shaped


def hsds_minimal(session: Session, ids: list[str]) -> list[HsdsObject]:
    """Just enough to tell what changed: id, name, status and last_modified, in ``ids`` order."""
    rows = {s.id: s for s in session.exec(select(Service).where(col(Service.id).in_(ids)))}
    return [
        {"id": row.id, "name": row.name, "status": row.status,
         "last_modified": shapes.moment(row.updated_at)}
        for row in (rows[i] for i in ids if i in rows)
    ]  # fmt: skip


def _organisations(session: Session, ids: set[str]) -> dict[str, HsdsObject]:
    found = session.exec(select(Organization).where(col(Organization.id).in_(ids)))
    return {row.id: shapes.organization(row) for row in found}


def _nest(session: Session, items: dict[str, HsdsObject], rows: dict[str, Service]) -> None:
    ids = list(items)
    lists: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for phone in session.exec(select(Phone).where(col(Phone.service_id).in_(ids))):
        lists[str(phone.service_id)]["phones"].append(shapes.phone(phone))
    for sched in session.exec(select(Schedule).where(col(Schedule.service_id).in_(ids))):
        lists[str(sched.service_id)]["schedules"].append(shapes.schedule(sched))
    for area in session.exec(select(ServiceArea).where(col(ServiceArea.service_id).in_(ids))):
        lists[area.service_id]["service_areas"].append(shapes.service_area(area))
    for contact in session.exec(select(Contact).where(col(Contact.service_id).in_(ids))):
        lists[str(contact.service_id)]["contacts"].append(
            shapes.clean({"id": contact.id, "service_id": contact.service_id,
                          "name": contact.name, "title": contact.title, "email": contact.email})
        )  # fmt: skip
    _nest_locations(session, ids, lists)
    _nest_attributes(session, ids, lists)
    _nest_history(session, ids, lists)
    extensions = _community_justice(session, ids, rows)
    for service_id, item in items.items():
        for key in ("phones", "schedules", "service_areas", "service_at_locations", "contacts",
                    "attributes", "metadata"):  # fmt: skip
            item[key] = lists[service_id][key]
        item["community_justice"] = extensions[service_id]


def _nest_locations(session: Session, ids: list[str], lists: Any) -> None:
    statement = (
        select(ServiceAtLocation, Location)
        .join(Location, col(Location.id) == col(ServiceAtLocation.location_id))
        .where(col(ServiceAtLocation.service_id).in_(ids))
    )
    for link, place in session.exec(statement):
        lists[link.service_id]["service_at_locations"].append(
            shapes.clean(
                {"id": link.id, "service_id": link.service_id, "location_id": place.id,
                 "description": link.description, "location": shapes.location(place)}
            )
        )  # fmt: skip


def _nest_attributes(session: Session, ids: list[str], lists: Any) -> None:
    statement = (
        select(Attribute, TaxonomyTerm, Taxonomy)
        .join(TaxonomyTerm, col(TaxonomyTerm.id) == col(Attribute.taxonomy_term_id))
        .join(Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id))
        .where(col(Attribute.link_id).in_(ids))
        .order_by(col(Taxonomy.code), col(TaxonomyTerm.code))
    )
    for attribute, term, owner in session.exec(statement):
        lists[attribute.link_id]["attributes"].append(
            shapes.clean(
                {
                    "id": attribute.id,
                    "link_id": attribute.link_id,
                    "link_type": attribute.link_type,
                    "link_entity": attribute.link_entity,
                    "taxonomy_term_id": term.id,
                    "value": attribute.value,
                    "taxonomy_term": shapes.taxonomy_term(term, owner),
                }
            )
        )


def _nest_history(session: Session, ids: list[str], lists: Any) -> None:
    statement = (
        select(ServiceChange)
        .where(col(ServiceChange.service_id).in_(ids))
        .order_by(col(ServiceChange.id))
    )
    for change in session.exec(statement):
        lists[change.service_id]["metadata"].append(shapes.change_metadata(change))


def _community_justice(
    session: Session, ids: list[str], rows: dict[str, Service]
) -> dict[str, HsdsObject]:
    """Fields HSDS lacks, published under one extension key: read from the stored view (the read
    model is the one place an entry's courts, partnership and programme are assembled)."""
    views = {view["id"]: view for view in stored_views(session, ids)}
    return {
        service_id: shapes.clean(
            {
                "courts": views[service_id]["courts"],
                "providing_partnership": views[service_id]["providing_partnership"],
                **{name: views[service_id][name] for name in INCUMBENT_FIELDS},
                "last_reviewed_at": views[service_id]["last_reviewed_at"],
                "is_sample": views[service_id]["is_sample"],
            }
        )
        for service_id in rows
    }
