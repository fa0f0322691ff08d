"""Writes shared by the seed, the importer and the use cases: organisations, partners, rounds."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, delete, select

from services.deliverables.adapters.tables import (
    DeliverablePartner,
    Organisation,
    OrganisationAlias,
    PartnerRole,
    ReportingRound,
    RoundState,
    utc_now,
)
from services.deliverables.domain.organisation_names import reference_organisations


def ensure_reference_organisations(session: Session) -> None:
    """Insert the canonical partners and their aliases that are not there yet."""
    known = set(session.exec(select(Organisation.slug)).all())
    aliases = set(session.exec(select(OrganisationAlias.alias)).all())
    for organisation in reference_organisations():
        if organisation.slug not in known:
            session.add(Organisation(slug=organisation.slug, name=organisation.name))
        for alias in organisation.aliases:
            if alias not in aliases:
                session.add(OrganisationAlias(alias=alias, organisation_slug=organisation.slug))
                aliases.add(alias)
    session.flush()


def set_partners(
    session: Session, number: int, *, leads: Sequence[str], collaborators: Sequence[str]
) -> None:
    """Replace a deliverable's lead partners and collaborators, keeping the given order."""
    session.exec(
        delete(DeliverablePartner).where(col(DeliverablePartner.deliverable_number) == number)
    )
    session.add_all(partner_rows(number, leads=leads, collaborators=collaborators))
    session.flush()


def partner_rows(
    number: int, *, leads: Sequence[str], collaborators: Sequence[str]
) -> list[DeliverablePartner]:
    return [
        DeliverablePartner(
            deliverable_number=number, organisation_slug=slug, role=role.value, position=position
        )
        for role, slugs in ((PartnerRole.LEAD, leads), (PartnerRole.COLLABORATOR, collaborators))
        for position, slug in enumerate(dict.fromkeys(slugs))
    ]


def ensure_round(
    session: Session, number: int, name: str, *, published: bool, actor: str | None = None
) -> ReportingRound:
    """The round with this number, created (published or open) if it is not known yet."""
    existing = session.get(ReportingRound, number)
    if existing is not None:
        return existing
    now = utc_now()
    reporting_round = ReportingRound(
        number=number,
        name=name,
        state=RoundState.PUBLISHED if published else RoundState.OPEN,
        opened_at=now,
        opened_by=actor,
        published_at=now if published else None,
        published_by=actor if published else None,
    )
    session.add(reporting_round)
    session.flush()
    return reporting_round


def open_round(session: Session) -> ReportingRound | None:
    """The round currently collecting updates, if any (at most one is open at a time)."""
    return session.exec(
        select(ReportingRound).where(ReportingRound.state == RoundState.OPEN.value)
    ).first()
