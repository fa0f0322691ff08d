"""Finding local services: one GraphQL document for the lookups, the results and the counts.

The gateway filters (court, area, type, words) and counts each filter's values (facets); the
pages only lay them out. Results come a page at a time with the gateway's cursor in the URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from pydantic import BaseModel, Field

from services.web.adapters.caller import Caller
from services.web.adapters.gateway import GatewayError
from services.web.adapters.gateway_models import GatewayModel, LocalAuthority, Service, ServiceType
from services.web.entrypoints.http.forms import FieldErrors

PAGE_SIZE = 25
PRINT_PAGE_SIZE = 100  # the gateway's largest page
PRINT_LIMIT = 500
WITHIN_MILES = (5, 10, 20, 50, 100)
_DIGIT = re.compile(r"\d")
FIND_SERVICES = """
query FindServices($filter: ServiceFilter, $first: Int!, $after: String) {
  localAuthorities { code name partnership }
  serviceTypes { code name }
  results: services(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    facets { field values { value label count } }
    nodes {
      id name description organisationName localAuthorities serviceTypes status isSample
      courts eligibility lastReviewedAt updatedAt referralRoutes contactEmail phone
      distanceMiles
    }
  }
}"""


class FacetValue(GatewayModel):
    value: str
    label: str | None = None
    count: int


class Facet(GatewayModel):
    field: str
    values: list[FacetValue] = Field(default_factory=list)

    @property
    def key(self) -> str:
        """``service_type``, ``serviceType`` and ``service-type`` name the same facet."""
        return self.field.replace("_", "").replace("-", "").lower()


class ServiceSearch(BaseModel):
    """The search a URL describes; the URL is the search (stable, shareable, printable)."""

    local_authority: str = ""
    court: str = ""
    service_type: str = ""
    q: str = ""
    # A sheriff court (name or slug) or a postcode, and how far from it (miles).
    near: str = Field(default="", max_length=100)
    within: int = Field(default=10, ge=1, le=500)
    # Paging: the gateway's cursor of the last result before this page, and its position.
    after: str = ""
    start: int = Field(default=1, ge=1)

    @property
    def is_empty(self) -> bool:
        return not (
            self.local_authority or self.court or self.service_type or self.q or self.near.strip()
        )

    def query_string(self, **paging: str | int) -> str:
        """The search's URL query; paging only when given (a new search starts at page one)."""
        wanted: dict[str, str | int] = self.model_dump(
            include={"local_authority", "court", "service_type", "q", "near"}
        )
        if self.near.strip():
            wanted["within"] = self.within
        return urlencode({k: v for k, v in {**wanted, **paging}.items() if v})

    def gateway_filter(self) -> dict[str, object]:
        wanted: dict[str, object] = {
            "localAuthority": self.local_authority,
            "court": self.court,
            "serviceType": self.service_type,
            "search": self.q,
            "near": self.near_place(),
        }
        return {k: v for k, v in wanted.items() if v}

    def near_place(self) -> dict[str, object] | None:
        """A postcode has digits; anything else is a court (``Fort William``: ``fort-william``)."""
        place = " ".join(self.near.split())
        if not place:
            return None
        if _DIGIT.search(place):
            return {"postcode": place, "withinMiles": self.within}
        court = place.lower().removesuffix(" sheriff court").replace(" ", "-")
        return {"court": court, "withinMiles": self.within}

    def within_options(self) -> list[tuple[str, str]]:
        miles = sorted({*WITHIN_MILES, self.within})
        return [(str(m), f"{m} miles") for m in miles]


@dataclass
class SearchPage:
    search: ServiceSearch
    local_authorities: list[LocalAuthority]
    service_types: list[ServiceType]
    facets: dict[str, Facet] = field(default_factory=dict)
    results: list[Service] = field(default_factory=list)
    total: int = 0
    next_cursor: str | None = None
    errors: FieldErrors = field(default_factory=FieldErrors)

    def _counts(self, key: str) -> dict[str, FacetValue]:
        facet = self.facets.get(key)
        return {v.value: v for v in facet.values} if facet else {}

    def court_options(self) -> list[tuple[str, str]]:
        courts = self._counts("court")
        options = [(v.value, self._counted(v.label or v.value, v.count)) for v in courts.values()]
        if self.search.court and self.selected_court() not in courts:
            options.append((self.search.court, self._counted(self.search.court, 0)))
        return sorted(options, key=lambda option: option[1].casefold())

    def selected_court(self) -> str:
        """The court's value in the list, whether the URL names it by slug or by name."""
        for value in self._counts("court").values():
            if self.search.court in (value.value, value.label):
                return value.value
        return self.search.court

    def court_name(self) -> str:
        found = self._counts("court").get(self.selected_court())
        return (found.label or found.value) if found else self.search.court

    def area_options(self) -> list[tuple[str, str]]:
        counts = self._counts("localauthority")
        return [
            (a.code, self._counted(a.name, counts[a.code].count if a.code in counts else 0))
            for a in self.local_authorities
        ]

    def type_options(self) -> list[tuple[str, str]]:
        counts = self._counts("servicetype")
        return [
            (t.code, self._counted(t.name, counts[t.code].count if t.code in counts else 0))
            for t in self.service_types
        ]

    def _counted(self, label: str, count: int) -> str:
        """A filter's label with how many services it would show, once there is a search."""
        return label if self.search.is_empty else f"{label} ({count})"

    def area_name(self, code: str) -> str:
        return next((a.name for a in self.local_authorities if a.code == code), code)

    def type_name(self, code: str) -> str:
        return next((t.name for t in self.service_types if t.code == code), code)

    @property
    def end(self) -> int:
        return self.search.start + len(self.results) - 1


async def find_services(
    caller: Caller, search: ServiceSearch, *, page_size: int = PAGE_SIZE
) -> SearchPage:
    """Lookups and counts always; results once the person has chosen something."""
    variables = {
        "filter": search.gateway_filter(),
        # The directory lists at least one; before a search only the counts are used.
        "first": 1 if search.is_empty else page_size,
        "after": search.after or None,
    }
    try:
        data = await caller.run(FIND_SERVICES, variables)
    except GatewayError as error:
        if error.code != "BAD_USER_INPUT" or not search.near_place():
            raise
        # An unknown court or postcode: say so on the Near field, with the lookups only.
        page = await find_services(caller, search.model_copy(update={"near": ""}), page_size=1)
        page.search, page.results, page.total, page.next_cursor = search, [], 0, None
        page.errors.add("near", error.message)
        return page
    results = data["results"] or {}
    facets = [Facet.model_validate(f) for f in results.get("facets") or []]
    page = SearchPage(
        search=search,
        local_authorities=[
            LocalAuthority.model_validate(a) for a in data["localAuthorities"] or []
        ],
        service_types=[ServiceType.model_validate(t) for t in data["serviceTypes"] or []],
        facets={facet.key: facet for facet in facets},
    )
    if search.is_empty:
        return page
    page.results = [Service.model_validate(n) for n in results.get("nodes") or []]
    page.total = results.get("totalCount") or 0
    page_info = results.get("pageInfo") or {}
    page.next_cursor = page_info.get("endCursor") if page_info.get("hasNextPage") else None
    return page


async def find_services_to_print(caller: Caller, search: ServiceSearch) -> SearchPage:
    """Every result from the first (up to ``PRINT_LIMIT``): a print-out has no "next page"."""
    search = search.model_copy(update={"after": "", "start": 1})
    page = await find_services(caller, search, page_size=PRINT_PAGE_SIZE)
    while page.next_cursor and len(page.results) < PRINT_LIMIT:
        more_search = search.model_copy(update={"after": page.next_cursor})
        more = await find_services(caller, more_search, page_size=PRINT_PAGE_SIZE)
        page.results += more.results
        page.next_cursor = more.next_cursor
    return page
