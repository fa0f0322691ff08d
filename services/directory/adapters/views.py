"""Build the API view of services from their rows, a batch at a time (no N+1 queries)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from services.directory.adapters.tables import (
    Attribute,
    Contact,
    Court,
    Location,
    Organization,
    Partnership,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCourt,
    Taxonomy,
    TaxonomyTerm,
)
from services.directory.adapters.tables.base import as_utc, utc_now
from services.directory.adapters.tables.taxonomy import (
    CLIENT_GROUPS,
    REFERRAL_ROUTES,
    SERVICE_TYPES,
)
from services.directory.domain.incumbent import incumbent_values
from services.directory.domain.review import REVIEW_INTERVAL, freshness
from services.directory.schemas import (
    ContactOut,
    OrganisationRef,
    PlaceOut,
    ScheduleOut,
    ServiceOut,
)


def service_views(session: Session, ids: list[str]) -> list[ServiceOut]:
    """The views of ``ids`` in the same order; unknown ids are left out."""
    if not ids:
        return []
    services = {s.id: s for s in session.exec(select(Service).where(col(Service.id).in_(ids)))}
    related = _Related(session, list(services), {s.organization_id for s in services.values()})
    return [related.view(services[i]) for i in ids if i in services]


class _Related:
    """Everything hanging off a batch of services, grouped by service id."""

    def __init__(self, session: Session, ids: list[str], organisation_ids: set[str]) -> None:
        self.areas: dict[str, list[str]] = defaultdict(list)
        for area in session.exec(select(ServiceArea).where(col(ServiceArea.service_id).in_(ids))):
            self.areas[area.service_id].append(area.local_authority_code)
        self.terms: dict[tuple[str, str], list[str]] = defaultdict(list)
        term_rows = session.exec(
            select(Attribute.link_id, Taxonomy.code, TaxonomyTerm.code)
            .join(TaxonomyTerm, col(TaxonomyTerm.id) == col(Attribute.taxonomy_term_id))
            .join(Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id))
            .where(col(Attribute.link_id).in_(ids))
        )
        for link_id, taxonomy_code, term_code in term_rows:
            self.terms[(link_id, taxonomy_code)].append(term_code)
        self.courts: dict[str, list[tuple[str, str]]] = defaultdict(list)
        court_rows = session.exec(
            select(ServiceCourt.service_id, Court.slug, Court.name)
            .join(Court, col(Court.slug) == col(ServiceCourt.court_slug))
            .where(col(ServiceCourt.service_id).in_(ids))
        )
        for service_id, slug, name in court_rows:
            self.courts[service_id].append((slug, name))
        self._load_contact_and_hours(session, ids)
        self._load_places(session, ids)
        self.organisations = dict(
            session.exec(
                select(Organization.id, Organization.name).where(
                    col(Organization.id).in_(organisation_ids)
                )
            ).all()
        )
        self.partnerships = dict(session.exec(select(Partnership.code, Partnership.name)).all())

    def _load_contact_and_hours(self, session: Session, ids: list[str]) -> None:
        self.phones: dict[str, str] = {}
        phone_rows = session.exec(
            select(Phone.service_id, Phone.number)
            .where(col(Phone.service_id).in_(ids))
            .order_by(col(Phone.id))
        )
        for phone_service_id, number in phone_rows:
            self.phones.setdefault(str(phone_service_id), number)
        self.schedules: dict[str, list[ScheduleOut]] = defaultdict(list)
        schedule_rows = session.execute(
            sa_select(
                col(Schedule.service_id), col(Schedule.byday), col(Schedule.opens_at),
                col(Schedule.closes_at), col(Schedule.description),
            ).where(col(Schedule.service_id).in_(ids))
        ).all()  # fmt: skip
        for schedule_service_id, byday, opens_at, closes_at, description in schedule_rows:
            self.schedules[str(schedule_service_id)].append(
                ScheduleOut(
                    byday=byday, opens_at=opens_at, closes_at=closes_at, description=description
                )
            )

    def _load_places(self, session: Session, ids: list[str]) -> None:
        self.locations: dict[str, list[PlaceOut]] = defaultdict(list)
        place_rows = session.exec(
            select(ServiceAtLocation.service_id, Location)
            .join(Location, col(Location.id) == col(ServiceAtLocation.location_id))
            .where(col(ServiceAtLocation.service_id).in_(ids))
            .order_by(col(Location.name), col(Location.id))
        )
        for place_service_id, place in place_rows:
            self.locations[place_service_id].append(
                PlaceOut.model_validate(place, from_attributes=True)
            )
        self.contacts: dict[str, list[ContactOut]] = defaultdict(list)
        contact_rows = session.exec(
            select(Contact).where(col(Contact.service_id).in_(ids)).order_by(col(Contact.id))
        )
        for contact in contact_rows:
            self.contacts[str(contact.service_id)].append(
                ContactOut(name=contact.name, title=contact.title, email=contact.email)
            )

    def view(self, service: Service) -> ServiceOut:
        organisation_name = self.organisations[service.organization_id]
        courts = sorted(self.courts[service.id], key=lambda c: c[1])
        reviewed = as_utc(service.last_reviewed_at)
        due = reviewed + REVIEW_INTERVAL
        return ServiceOut(
            id=service.id,
            name=service.name,
            description=service.description,
            organisation=OrganisationRef(id=service.organization_id, name=organisation_name),
            local_authorities=sorted(self.areas[service.id]),
            service_types=sorted(self.terms[(service.id, SERVICE_TYPES)]),
            status=service.status,
            courts=[name for _slug, name in courts],
            court_slugs=[slug for slug, _name in courts],
            referral_routes=sorted(self.terms[(service.id, REFERRAL_ROUTES)]),
            client_groups=sorted(self.terms[(service.id, CLIENT_GROUPS)]),
            eligibility=service.eligibility_description,
            contact_email=service.email,
            phone=self.phones.get(service.id),
            is_sample=service.is_sample,
            last_reviewed_at=reviewed,
            updated_at=as_utc(service.updated_at),
            created_at=as_utc(service.created_at),
            minimum_age=service.minimum_age,
            maximum_age=service.maximum_age,
            url=service.url,
            providing_partnership=self.partnerships.get(service.providing_partnership_code or ""),
            **incumbent_values(service),
            assured_date=service.assured_date,
            assurer_email=service.assurer_email,
            review_due_at=due,
            is_stale=due < utc_now(),
            freshness=freshness(due),
            withdrawn_at=_maybe_utc(service.withdrawn_at),
            withdrawal_reason=service.withdrawal_reason,
            schedules=self.schedules[service.id],
            locations=self.locations[service.id],
            contacts=self.contacts[service.id],
        )


def _maybe_utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None
