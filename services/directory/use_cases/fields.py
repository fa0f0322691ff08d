"""Apply editable fields to a service row and its related rows, validating every code first."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, delete, func, select

from services.directory.adapters.tables import (
    Attribute,
    Court,
    LocalAuthority,
    Phone,
    Service,
    ServiceArea,
    ServiceCourt,
    Taxonomy,
    TaxonomyTerm,
)
from services.directory.adapters.tables.taxonomy import (
    CLIENT_GROUPS,
    REFERRAL_ROUTES,
    SERVICE_TYPES,
)
from services.directory.domain.incumbent import INCUMBENT_FIELDS
from services.directory.use_cases.places import (
    replace_contacts,
    replace_locations,
    replace_schedules,
)
from shared.errors import BadUserInput

TERM_FIELDS = {
    "service_types": SERVICE_TYPES,
    "client_groups": CLIENT_GROUPS,
    "referral_routes": REFERRAL_ROUTES,
}
COLUMN_OF = {"eligibility": "eligibility_description", "contact_email": "email"}
PLAIN_FIELDS = {
    "name", "description", "status", "eligibility", "contact_email", "minimum_age",
    "maximum_age", "url", *INCUMBENT_FIELDS,
}  # fmt: skip


def apply_fields(session: Session, service: Service, fields: dict[str, Any]) -> None:
    """Write ``fields`` (API names) onto ``service``; raise ``BadUserInput`` on an unknown code."""
    for name, value in fields.items():
        if name in PLAIN_FIELDS:
            setattr(service, COLUMN_OF.get(name, name), value)
    _check_ages(service)
    session.add(service)
    session.flush()
    for name, taxonomy in TERM_FIELDS.items():
        if name in fields:
            _replace_terms(session, service.id, taxonomy, fields[name] or [], field=name)
    if "courts" in fields:
        _replace_courts(session, service.id, fields["courts"] or [])
    if "local_authorities" in fields:
        replace_areas(session, service.id, fields["local_authorities"] or [])
    if "phone" in fields:
        _replace_phone(session, service.id, fields["phone"])
    _replace_places(session, service, fields)
    session.flush()


def _replace_places(session: Session, service: Service, fields: dict[str, Any]) -> None:
    if "schedules" in fields:
        replace_schedules(session, service.id, fields["schedules"] or [])
    if "contacts" in fields:
        replace_contacts(session, service.id, fields["contacts"] or [])
    if "locations" in fields:
        replace_locations(session, service, fields["locations"] or [])


def _check_ages(service: Service) -> None:
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None and low > high:
        raise BadUserInput("minimum_age must not exceed maximum_age.", field="minimum_age")


def _replace_terms(
    session: Session, service_id: str, taxonomy: str, codes: list[str], *, field: str
) -> None:
    wanted = sorted(set(codes))
    rows = session.exec(
        select(TaxonomyTerm)
        .join(Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id))
        .where(col(Taxonomy.code) == taxonomy, col(TaxonomyTerm.code).in_(wanted))
    ).all()
    unknown = set(wanted) - {row.code for row in rows}
    if unknown:
        raise BadUserInput(f"Unknown {field}: {', '.join(sorted(unknown))}.", field=field)
    taxonomy_term_ids = (
        select(TaxonomyTerm.id)
        .join(Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id))
        .where(col(Taxonomy.code) == taxonomy)
    )
    session.exec(
        delete(Attribute).where(
            col(Attribute.link_id) == service_id,
            col(Attribute.taxonomy_term_id).in_(taxonomy_term_ids),
        )
    )
    for row in rows:
        session.add(
            Attribute(
                link_id=service_id, taxonomy_term_id=row.id, link_type=taxonomy.removeprefix("cjp-")
            )
        )


def _replace_courts(session: Session, service_id: str, names_or_slugs: list[str]) -> None:
    wanted = {value.strip().lower() for value in names_or_slugs}
    rows = session.exec(
        select(Court).where((func.lower(Court.name).in_(wanted)) | (col(Court.slug).in_(wanted)))
    ).all()
    found = {row.slug for row in rows} | {row.name.lower() for row in rows}
    unknown = sorted(wanted - found)
    if unknown:
        raise BadUserInput(f"Unknown courts: {', '.join(unknown)}.", field="courts")
    session.exec(delete(ServiceCourt).where(col(ServiceCourt.service_id) == service_id))
    for row in rows:
        session.add(ServiceCourt(service_id=service_id, court_slug=row.slug))


def replace_areas(session: Session, service_id: str, codes: list[str]) -> None:
    wanted = sorted(set(codes))
    if not wanted:
        raise BadUserInput(
            "A service serves at least one local authority.", field="local_authorities"
        )
    rows = session.exec(select(LocalAuthority).where(col(LocalAuthority.code).in_(wanted))).all()
    unknown = set(wanted) - {row.code for row in rows}
    if unknown:
        raise BadUserInput(
            f"Unknown local authorities: {', '.join(sorted(unknown))}.", field="local_authorities"
        )
    session.exec(delete(ServiceArea).where(col(ServiceArea.service_id) == service_id))
    for row in rows:
        session.add(
            ServiceArea(service_id=service_id, local_authority_code=row.code, name=row.name)
        )


def _replace_phone(session: Session, service_id: str, number: str | None) -> None:
    session.exec(delete(Phone).where(col(Phone.service_id) == service_id))
    if number:
        session.add(Phone(service_id=service_id, number=number))
