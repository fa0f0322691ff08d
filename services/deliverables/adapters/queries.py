"""Read side: the list's filters, and a deliverable with its partners shaped for the API.

``present`` is the one builder of a deliverable's view; ``read_model`` stores what it builds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from services.deliverables.adapters.search import matching_numbers_clause
from services.deliverables.adapters.tables import (
    Deliverable,
    DeliverablePartner,
    Organisation,
    PartnerRole,
)
from services.deliverables.domain.overdue import is_overdue, today
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.schemas import DeliverableFilter, DeliverableOut, OrganisationRef
from shared.errors import NotFound

Partners = dict[int, dict[str, list[OrganisationRef]]]


def list_conditions(session: Session, where: DeliverableFilter) -> list[ColumnElement[bool]]:
    """The list's filters as conditions on ``deliverable`` (read_model.page_of_views pages them)."""
    number = col(Deliverable.number)
    conditions: list[ColumnElement[bool]] = []
    if where.status is not None:
        conditions.append(col(Deliverable.status) == where.status.value)
    if where.aim is not None:
        conditions.append(col(Deliverable.aim_number) == where.aim)
    if where.priority_action is not None:
        conditions.append(col(Deliverable.priority_action_number) == where.priority_action)
    for slug, role in (
        (where.lead_partner, PartnerRole.LEAD),
        (where.collaborator, PartnerRole.COLLABORATOR),
    ):
        if slug:
            partnered = select(DeliverablePartner.deliverable_number).where(
                DeliverablePartner.organisation_slug == slug, DeliverablePartner.role == role.value
            )
            conditions.append(number.in_(partnered))
    if where.numbers is not None:
        conditions.append(number.in_(where.numbers))
    if where.q:
        conditions.append(matching_numbers_clause(session, where.q))
    if where.overdue is not None:
        late = (col(Deliverable.due_date) < today()) & (
            col(Deliverable.status) != DeliverableStatus.COMPLETE.value
        )
        conditions.append(late if where.overdue else ~late | col(Deliverable.due_date).is_(None))
    if where.due_before is not None:
        conditions.append(col(Deliverable.due_date) < where.due_before)
    return conditions


def get_deliverable(session: Session, number: int, *, for_update: bool = False) -> Deliverable:
    """The deliverable, locked for the rest of the transaction when about to change it."""
    deliverable = session.get(Deliverable, number, with_for_update=for_update or None)
    if deliverable is None:
        raise NotFound(f"There is no deliverable {number}.", field="number")
    return deliverable


def partners_of(session: Session, numbers: Sequence[int]) -> Partners:
    """Lead partners and collaborators of several deliverables in one query, in document order."""
    rows = session.exec(
        select(DeliverablePartner, Organisation)
        .join(Organisation, col(Organisation.slug) == col(DeliverablePartner.organisation_slug))
        .where(col(DeliverablePartner.deliverable_number).in_(list(numbers)))
        .order_by(col(DeliverablePartner.position))
    ).all()
    partners: Partners = defaultdict(lambda: {PartnerRole.LEAD: [], PartnerRole.COLLABORATOR: []})
    for link, organisation in rows:
        ref = OrganisationRef(slug=organisation.slug, name=organisation.name)
        partners[link.deliverable_number][link.role].append(ref)
    return partners


def lead_slugs(session: Session, number: int) -> list[str]:
    return [ref.slug for ref in partners_of(session, [number])[number][PartnerRole.LEAD]]


def to_public(deliverable: Deliverable, partners: Partners) -> DeliverableOut:
    status = DeliverableStatus(deliverable.status)
    links = partners.get(deliverable.number, {})
    updated_at = deliverable.updated_at
    if updated_at.tzinfo is None:
        updated_at = updated_at.replace(tzinfo=UTC)
    return DeliverableOut(
        number=deliverable.number,
        title=deliverable.title,
        aim=deliverable.aim_number,
        priority_action=deliverable.priority_action_number,
        timescale=deliverable.timescale or "",
        due_date=deliverable.due_date,
        status=status,
        status_label=status.label,
        lead_partners=links.get(PartnerRole.LEAD, []),
        collaborators=links.get(PartnerRole.COLLABORATOR, []),
        latest_update=deliverable.latest_update,
        updated_at=updated_at,
        original_timescale=deliverable.original_timescale,
        overdue=is_overdue(deliverable.status, deliverable.due_date),
        text=deliverable.text,
        further_detail=deliverable.further_detail,
        opened_round=deliverable.opened_round,
        closed_round=deliverable.closed_round,
        additional_information=deliverable.additional_information,
    )


def present(session: Session, deliverables: Sequence[Deliverable]) -> list[DeliverableOut]:
    partners = partners_of(session, [item.number for item in deliverables])
    return [to_public(item, partners) for item in deliverables]
