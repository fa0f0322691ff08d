"""Finding local services: one GraphQL document for the lookups, the facet counts and the results.

The gateway filters by area, type and words; courts are matched here, on the services in scope.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from pydantic import BaseModel

from services.web.caller import Caller
from services.web.models import LocalAuthority, Service, ServiceType

RESULT_LIMIT = 100  # the gateway's largest page

FIND_SERVICES = """
query FindServices($base: ServiceFilter, $filter: ServiceFilter, $first: Int!) {
  localAuthorities { code name partnership }
  serviceTypes { code name }
  everywhere: services(first: $first) { nodes { courts } }
  scope: services(filter: $base, first: $first) { nodes { id name serviceTypes courts } }
  results: services(filter: $filter, first: $first) {
    totalCount
    nodes {
      id name description organisationName localAuthorities serviceTypes status isSample
      courts eligibility lastReviewedAt updatedAt referralRoutes contactEmail phone
    }
  }
}"""


class ServiceSearch(BaseModel):
    """The search a URL describes; the URL is the search (stable, shareable, printable)."""

    local_authority: str = ""
    court: str = ""
    service_type: str = ""
    q: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.local_authority or self.court or self.service_type or self.q)

    def query_string(self) -> str:
        return urlencode({k: v for k, v in self.model_dump().items() if v})

    def gateway_filter(self, *, with_type: bool) -> dict[str, str]:
        wanted = {"localAuthority": self.local_authority, "search": self.q}
        if with_type:
            wanted["serviceType"] = self.service_type
        return {k: v for k, v in wanted.items() if v}


@dataclass
class SearchPage:
    search: ServiceSearch
    local_authorities: list[LocalAuthority]
    service_types: list[ServiceType]
    courts: list[str]
    results: list[Service] = field(default_factory=list)
    total: int = 0
    type_counts: dict[str, int] = field(default_factory=dict)
    court_counts: dict[str, int] = field(default_factory=dict)

    def court_options(self) -> list[tuple[str, str]]:
        return [
            (court, self._counted(court, self.court_counts.get(court))) for court in self.courts
        ]

    def area_options(self) -> list[tuple[str, str]]:
        return [(area.code, area.name) for area in self.local_authorities]

    def type_options(self) -> list[tuple[str, str]]:
        return [
            (t.code, self._counted(t.name, self.type_counts.get(t.code)))
            for t in self.service_types
        ]

    def _counted(self, label: str, count: int | None) -> str:
        """A filter's label with how many services it would show, once there is a search."""
        return label if self.search.is_empty else f"{label} ({count or 0})"

    def area_name(self, code: str) -> str:
        return next((a.name for a in self.local_authorities if a.code == code), code)

    def type_name(self, code: str) -> str:
        return next((t.name for t in self.service_types if t.code == code), code)


def _at_court(services: list[Service], court: str) -> list[Service]:
    return [s for s in services if court in s.courts] if court else services


async def find_services(caller: Caller, search: ServiceSearch) -> SearchPage:
    """Lookups always; results and counts once the person has chosen something."""
    variables = {
        "base": search.gateway_filter(with_type=False),
        "filter": search.gateway_filter(with_type=True),
        "first": RESULT_LIMIT,
    }
    data = await caller.run(FIND_SERVICES, variables)
    everywhere = data["everywhere"]["nodes"] if data.get("everywhere") else []
    page = SearchPage(
        search=search,
        local_authorities=[
            LocalAuthority.model_validate(a) for a in data["localAuthorities"] or []
        ],
        service_types=[ServiceType.model_validate(t) for t in data["serviceTypes"] or []],
        courts=sorted({court for node in everywhere for court in node["courts"]}),
    )
    if search.is_empty:
        return page
    in_area = [Service.model_validate(n) for n in data["scope"]["nodes"]]
    page.court_counts = dict(Counter(court for s in in_area for court in s.courts))
    scope = _at_court(in_area, search.court)
    page.type_counts = dict(Counter(code for s in scope for code in s.service_types))
    results = [Service.model_validate(n) for n in data["results"]["nodes"]]
    page.results = _at_court(results, search.court)
    page.total = len(page.results) if search.court else data["results"]["totalCount"]
    return page
