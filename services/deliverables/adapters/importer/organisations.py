"""Resolve the partner names of an edition to organisation records, creating unknown ones."""

from __future__ import annotations

from sqlmodel import Session, select

from services.deliverables.adapters.tables import Organisation, OrganisationAlias
from services.deliverables.domain.organisation_names import (
    KnownOrganisation,
    NameMatcher,
    lead_partner_names,
    slugify,
)


class OrganisationResolver:
    """Matches names against every organisation in the database (canonical and imported)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        aliases: dict[str, list[str]] = {}
        for alias in session.exec(select(OrganisationAlias)):
            aliases.setdefault(alias.organisation_slug, []).append(alias.alias)
        self._known = [
            KnownOrganisation(item.slug, item.name, tuple(aliases.get(item.slug, [])))
            for item in session.exec(select(Organisation))
        ]
        self._matcher = NameMatcher(self._known)

    def leads(self, text: str | None) -> list[str]:
        """Slugs of the lead partners named; a lead nobody knows becomes a new organisation."""
        if not text:
            return []
        slugs, unknown = lead_partner_names(text, self._matcher)
        if not unknown:
            return slugs
        created = [self._create(name) for name in unknown]
        # Read again, now that every name is known, so the leads keep the text's order.
        in_order = lead_partner_names(text, self._matcher)[0]
        return in_order + [slug for slug in created if slug not in in_order]

    def names_of(self, slugs: list[str]) -> list[str]:
        by_slug = {item.slug: item.name for item in self._known}
        return [by_slug.get(slug, slug) for slug in slugs]

    def mentioned(self, text: str | None) -> list[str]:
        """Slugs of the known organisations a collaboration text names."""
        return self._matcher.find(text)[0] if text else []

    def _create(self, name: str) -> str:
        slug = slugify(name)[:120]
        if self._session.get(Organisation, slug) is None:
            self._session.add(Organisation(slug=slug, name=name[:200]))
            self._session.flush()
            self._known.append(KnownOrganisation(slug, name, ()))
            self._matcher = NameMatcher(self._known)
        return slug
