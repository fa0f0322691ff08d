"""What a directory search asks for: free text plus filters, a page and whether to count facets."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from services.directory.adapters.geography.distance import Near


@dataclass(frozen=True)
class SearchCriteria:
    text: str | None = None
    local_authority: str | None = None
    service_type: str | None = None
    court: str | None = None
    client_group: str | None = None
    referral_route: str | None = None
    age: int | None = None
    open_now: bool = False
    include_withdrawn: bool = False
    status: str | None = None
    organization_id: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    modified_after: datetime | None = None
    # ORUK filters: ages a service must take, a day (RFC 5545 code) and times (HH:MM) it is open.
    minimum_age: int | None = None
    maximum_age: int | None = None
    day: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    near: Near | None = None  # then results come nearest first, with distances
    limit: int = 20
    offset: int = 0
    with_facets: bool = False
    now: datetime | None = field(default=None)

    def without(self, facet: str) -> SearchCriteria:
        """The same search with one facet's own filter dropped (for disjunctive counts)."""
        return replace(self, **{facet: None})  # type: ignore[arg-type]
