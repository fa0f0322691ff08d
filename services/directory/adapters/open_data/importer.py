"""Import HSDS 3.0 JSON: create or update entries by their HSDS ids, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import structlog
from pydantic import BaseModel
from sqlmodel import Session, col, delete, select

from services.directory.adapters.open_data.hsds_input import (
    CommunityJustice,
    HsdsArea,
    HsdsDocument,
    HsdsService,
)
from services.directory.adapters.search.index import reindex_service
from services.directory.adapters.tables import (
    LocalAuthority,
    Location,
    Organization,
    Partnership,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from services.directory.adapters.tables.base import utc_now
from services.directory.domain.incumbent import HSDS_ONLY_FIELDS, incumbent_values
from services.directory.domain.review import NEVER_REVIEWED
from services.directory.events import ServiceCreated, ServiceUpdated, announce, field_changes
from services.directory.use_cases.fields import TERM_FIELDS, apply_fields
from services.directory.use_cases.history import diff, record_changes, snapshot
from shared.errors import BadUserInput, Forbidden
from shared.identity import Identity, Role
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()


class ImportSummary(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_directory(
    uow: UnitOfWork,
    document: HsdsDocument,
    *,
    identity: Identity,
    correlation_id: str | None,
    default_area: str | None = None,
) -> ImportSummary:
    """Create or update every entry, or nothing. ``default_area`` (a local-authority code) is
    given to entries whose ``service_areas`` name no Scottish local authority."""
    if identity.role != Role.COORDINATOR:
        raise Forbidden("Only a coordinator may import a directory.")
    summary = ImportSummary()
    with uow:
        if default_area is not None:
            _place_unplaced(uow.session, document, default_area)
        for index, entry in enumerate(document.services):
            try:
                outcome = _import_one(uow, entry, identity, correlation_id)
            except BadUserInput as error:
                place = f"services[{index}]" + (f".{error.field}" if error.field else "")
                raise BadUserInput(f"{place}: {error.message}", field=place) from error
            setattr(summary, outcome, getattr(summary, outcome) + 1)
    log.info("directory_imported", **summary.model_dump())
    return summary


def _import_one(
    uow: UnitOfWork, entry: HsdsService, identity: Identity, correlation_id: str | None
) -> str:
    session = uow.session
    organisation = _upsert_organisation(session, entry)
    fields = _editable_fields(session, entry)
    existing = session.get(Service, entry.id)
    before = snapshot(session, entry.id) if existing else {}
    service = existing or Service(id=entry.id, organization_id=organisation.id, name=entry.name)
    service.organization_id = organisation.id
    extension = entry.community_justice
    service.is_sample = extension.is_sample
    for name in HSDS_ONLY_FIELDS:
        setattr(service, name, getattr(entry, name))
    service.providing_partnership_code = _owner(session, entry, fields["local_authorities"])
    if extension.last_reviewed_at is not None or existing is None:
        service.last_reviewed_at = reviewed_at_import(extension)
        service.last_reviewed_by = None
    apply_fields(session, service, fields)
    _replace_schedules(session, entry)
    _upsert_locations(session, entry, organisation.id)
    changes = diff(before, snapshot(session, entry.id))
    if existing is not None and not changes:
        return "unchanged"
    service.updated_at = utc_now()
    session.add(service)
    record_changes(session, entry.id, changes, identity=identity, kind="imported")
    reindex_service(session, entry.id)
    details: dict[str, Any] = (
        {"changes": field_changes(changes)} if existing else {"status": service.status}
    )
    announce(
        uow, ServiceUpdated if existing else ServiceCreated, entry.id,
        identity=identity, correlation_id=correlation_id, **details,
    )  # fmt: skip
    return "updated" if existing else "created"


def reviewed_at_import(extension: CommunityJustice) -> datetime:
    """When the entry was last checked: as the document says, else when it was published.

    With neither, it was never reviewed here, so it counts as stale rather than as fresh.
    """
    if extension.last_reviewed_at is not None:
        return extension.last_reviewed_at
    if extension.published_date is not None:
        return datetime.combine(extension.published_date, time(), tzinfo=UTC)
    return NEVER_REVIEWED


def _owner(session: Session, entry: HsdsService, areas: list[str]) -> str | None:
    """The partnership named in the entry, else the one covering its first area."""
    named = entry.community_justice.providing_partnership
    if named:
        found = session.exec(select(Partnership).where(col(Partnership.name) == named)).first()
        if found is not None:
            return found.code
    area = session.get(LocalAuthority, areas[0])
    return area.partnership_code if area else None


def _upsert_organisation(session: Session, entry: HsdsService) -> Organization:
    given = entry.organization
    row = session.get(Organization, given.id) or Organization(id=given.id, name=given.name)
    row.name, row.description = given.name, given.description or given.name
    row.email, row.website = given.email, given.website
    row.is_sample = entry.community_justice.is_sample
    session.add(row)
    session.flush()
    return row


def _editable_fields(session: Session, entry: HsdsService) -> dict[str, Any]:
    extension = entry.community_justice
    fields: dict[str, Any] = {
        "name": entry.name, "description": entry.description, "status": entry.status,
        "url": entry.url, "contact_email": entry.email,
        "eligibility": entry.eligibility_description, "minimum_age": entry.minimum_age,
        "maximum_age": entry.maximum_age, "courts": extension.courts,
        "phone": entry.phones[0].number if entry.phones else None,
        "local_authorities": _area_codes(session, entry),
        **incumbent_values(extension),
    }  # fmt: skip
    fields.update(_term_codes(session, entry))
    return fields


def _place_unplaced(session: Session, document: HsdsDocument, default_area: str) -> None:
    if session.get(LocalAuthority, default_area) is None:
        raise BadUserInput(f"Unknown local authority {default_area!r}.", field="area")
    for entry in document.services:
        if not any(_matched_areas(session, entry)):
            entry.service_areas = [HsdsArea(extent=default_area)]


def _matched_areas(session: Session, entry: HsdsService) -> list[str | None]:
    """The local-authority code each of the entry's areas names (by code or name), else None."""
    areas = session.exec(select(LocalAuthority)).all()
    by_name = {a.name.lower(): a.code for a in areas} | {a.code: a.code for a in areas}
    wanted = [(area.extent or area.name or "").strip().lower() for area in entry.service_areas]
    return [by_name.get(w) or by_name.get((area.name or "").lower()) for w, area in
            zip(wanted, entry.service_areas, strict=True)]  # fmt: skip


def _area_codes(session: Session, entry: HsdsService) -> list[str]:
    codes = _matched_areas(session, entry)
    if not codes or None in codes:
        raise BadUserInput(
            f"Service {entry.id} needs service_areas naming Scottish local authorities.",
            field="service_areas",
        )
    return sorted({c for c in codes if c})


def _term_codes(session: Session, entry: HsdsService) -> dict[str, list[str]]:
    """Our taxonomy terms among the entry's attributes, by term id or code; others are skipped."""
    rows = session.exec(
        select(TaxonomyTerm, Taxonomy).join(
            Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id)
        )
    ).all()
    by_key = {t.id: (x.code, t.code) for t, x in rows} | {t.code: (x.code, t.code) for t, x in rows}
    found: dict[str, list[str]] = {name: [] for name in TERM_FIELDS}
    field_of = {taxonomy: name for name, taxonomy in TERM_FIELDS.items()}
    for attribute in entry.attributes:
        term = attribute.taxonomy_term
        key = attribute.taxonomy_term_id or (term.id if term else None)
        match = by_key.get(key or "") or by_key.get((term.code if term else None) or "")
        if match is not None:
            found[field_of[match[0]]].append(match[1])
    return found


def _replace_schedules(session: Session, entry: HsdsService) -> None:
    session.exec(delete(Schedule).where(col(Schedule.service_id) == entry.id))
    for given in entry.schedules:
        session.add(
            Schedule(service_id=entry.id, byday=given.byday or "", opens_at=given.opens_at,
                     closes_at=given.closes_at, description=given.description)
        )  # fmt: skip


def _upsert_locations(session: Session, entry: HsdsService, organisation_id: str) -> None:
    for link in entry.service_at_locations:
        if link.location is None:
            continue
        given = link.location
        address = given.addresses[0] if given.addresses else None
        place = session.get(Location, given.id) or Location(id=given.id)
        place.organization_id, place.name, place.description = (
            organisation_id, given.name, given.description,
        )  # fmt: skip
        place.latitude, place.longitude = given.latitude, given.longitude
        if address is not None:
            place.address_1, place.city = address.address_1, address.city
            place.region, place.postal_code = address.state_province, address.postal_code
        session.add(place)
        session.flush()
        if session.get(ServiceAtLocation, link.id) is None:
            session.add(
                ServiceAtLocation(id=link.id, service_id=entry.id, location_id=place.id,
                                  description=link.description)
            )  # fmt: skip
