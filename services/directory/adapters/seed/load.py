"""Load reference facts and the marked sample into an empty directory database."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from services.directory.adapters.geography.courts import COURT_COORDINATES
from services.directory.adapters.search.index import reindex_service
from services.directory.adapters.seed.areas import COURTS, LOCAL_AUTHORITIES, partnership_of
from services.directory.adapters.seed.sample import SAMPLE_SERVICES
from services.directory.adapters.seed.taxonomy import TAXONOMIES
from services.directory.adapters.tables import (
    Court,
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
from services.directory.use_cases.fields import apply_fields
from shared.db import transaction

log = structlog.get_logger()
_TAXONOMY_NAMESPACE = uuid.UUID("0b8f3c57-51a4-4f5e-9a51-8d1c1f0d2a77")


def stable_id(code: str) -> str:
    """The same taxonomy id in every installation, so open data links across directories."""
    return str(uuid.uuid5(_TAXONOMY_NAMESPACE, code))


def seed_reference_data(engine: Engine) -> bool:
    """Areas, partnerships, courts and the taxonomy; False if they were already there."""
    with transaction(engine) as session:
        if session.exec(select(func.count()).select_from(LocalAuthority)).one():
            return False
        for code, name in LOCAL_AUTHORITIES:
            p_code, p_name = partnership_of(code, name)
            if session.get(Partnership, p_code) is None:
                email = f"{p_code}@partnerships.cjp.test"
                session.add(Partnership(code=p_code, name=p_name, email=email))
                session.flush()
            session.add(LocalAuthority(code=code, name=name, partnership_code=p_code))
        session.flush()
        session.add_all(
            Court(slug=s, name=n, local_authority_code=a, latitude=lat, longitude=lon)
            for s, n, a in COURTS
            for lat, lon in [COURT_COORDINATES[s]]
        )
        for t_code, (t_name, t_description, terms) in TAXONOMIES.items():
            taxonomy = Taxonomy(
                id=stable_id(t_code), code=t_code, name=t_name, description=t_description
            )
            session.add(taxonomy)
            session.flush()
            session.add_all(
                TaxonomyTerm(
                    id=stable_id(f"{t_code}/{c}"),
                    taxonomy_id=taxonomy.id,
                    code=c,
                    name=n,
                    description=d,
                )
                for c, n, d in terms
            )
    log.info("directory_reference_data_seeded", areas=len(LOCAL_AUTHORITIES), courts=len(COURTS))
    return True


def seed_sample_services(engine: Engine) -> int:
    """The marked sample entries, only into a directory that has no services yet."""
    with transaction(engine) as session:
        if session.exec(select(func.count()).select_from(Service)).one():
            return 0
        for entry in SAMPLE_SERVICES:
            add_entry(session, entry, is_sample=True)
    log.info("directory_sample_seeded", services=len(SAMPLE_SERVICES))
    return len(SAMPLE_SERVICES)


def add_entry(session: Session, entry: dict[str, Any], *, is_sample: bool) -> Service:
    """Insert one entry given as API field values (used by the seed and the benchmark)."""
    fields = dict(entry)
    organisation = _organisation(session, fields.pop("organisation"), is_sample=is_sample)
    schedule = fields.pop("schedule", None)
    location = fields.pop("location", None)
    reviewed = utc_now() - timedelta(days=fields.pop("reviewed_days_ago", 0))
    partnership = _partnership_code(session, fields["local_authorities"][0])
    service = Service(
        organization_id=organisation.id,
        name=fields["name"],
        is_sample=is_sample,
        providing_partnership_code=partnership,
        last_reviewed_at=reviewed,
        published_date=reviewed.date(),
    )
    session.add(service)
    session.flush()
    apply_fields(session, service, fields)
    if schedule is not None:
        byday, opens_at, closes_at = schedule
        session.add(
            Schedule(service_id=service.id, byday=byday, opens_at=opens_at, closes_at=closes_at)
        )
    if location is not None:
        _add_location(session, service, location)
    reindex_service(session, service.id)
    return service


def _add_location(session: Session, service: Service, location: tuple[Any, ...]) -> None:
    """``location`` is (name, street, town, postcode[, latitude, longitude])."""
    name, street, town, postcode, *position = location
    latitude, longitude = position if position else (None, None)
    place = Location(
        organization_id=service.organization_id, name=name, address_1=street, city=town,
        region="Scotland", postal_code=postcode, latitude=latitude, longitude=longitude,
    )  # fmt: skip
    session.add(place)
    session.flush()
    session.add(ServiceAtLocation(service_id=service.id, location_id=place.id))


def _organisation(session: Session, name: str, *, is_sample: bool) -> Organization:
    found = session.exec(select(Organization).where(col(Organization.name) == name)).first()
    if found is None:
        found = Organization(name=name, description=name, is_sample=is_sample)
        session.add(found)
        session.flush()
    return found


def _partnership_code(session: Session, area: str) -> str | None:
    found = session.get(LocalAuthority, area)
    return found.partnership_code if found is not None else None
