"""The read model: stored views equal freshly assembled ones after every kind of write, and the
one-query facet counts equal counting each facet on its own (without its own filter)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from services.directory.adapters.read_model import rebuild_missing_read_models, stored_views
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.run import search_services
from services.directory.adapters.tables import Organization
from services.directory.adapters.views import service_views
from services.directory.tests.conftest import COORDINATOR
from services.directory.tests.search_fixtures import search_engine  # noqa: F401 - fixture

FACET_FIELDS = {"local_authority": "local_authorities", "court": "court_slugs",
                "service_type": "service_types", "client_group": "client_groups",
                "referral_route": "referral_routes"}  # fmt: skip


def _assembled(session: Session, service_id: str) -> dict[str, object]:
    return service_views(session, [service_id])[0].model_dump(
        mode="json", exclude={"distance_miles"}
    )


def test_a_review_without_reindexing_still_refreshes_the_stored_view(
    client: TestClient, engine: Engine
) -> None:
    first = client.get("/services").json()["items"][0]
    client.post(f"/services/{first['id']}/review", headers=COORDINATOR).raise_for_status()
    with Session(engine) as session:
        stored = stored_views(session, [first["id"]])[0]
        assembled = _assembled(session, first["id"])
    assert stored["last_reviewed_at"] == assembled["last_reviewed_at"] != first["last_reviewed_at"]
    assert stored == assembled


def test_entries_without_a_stored_view_are_filled_in(client: TestClient, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        ids = [row[0] for row in session.execute(text("SELECT service_id FROM service_view"))]
        session.execute(text("DELETE FROM search_facet"))
        session.execute(text("DELETE FROM service_view"))
        assert stored_views(session, ids[:1])[0]["id"] == ids[0]  # assembled the slow way
    assert rebuild_missing_read_models(engine) == len(ids) > 0
    assert rebuild_missing_read_models(engine) == 0
    with Session(engine) as session:
        assert stored_views(session, ids) == [_assembled(session, i) for i in ids]


@pytest.mark.parametrize(
    "criteria",
    [
        SearchCriteria(text="bail", with_facets=True),
        SearchCriteria(service_type="bail-supervision", local_authority="fife", with_facets=True),
        SearchCriteria(court="Glasgow Sheriff Court", referral_route="court", with_facets=True),
    ],
    ids=["text", "two filters", "court by name"],
)
def test_facets_count_each_value_without_its_own_filter(
    search_engine: Engine,  # noqa: F811 - fixture
    criteria: SearchCriteria,
) -> None:
    with Session(search_engine) as session:
        facets = search_services(session, criteria).facets
        expected = {}
        for facet, field in FACET_FIELDS.items():
            unfiltered = replace(criteria.without(facet), limit=200, with_facets=False)
            ids = search_services(session, unfiltered).ids
            counted: Counter[str] = Counter()
            for view in service_views(session, ids):
                counted.update(getattr(view, field))
            expected[facet] = dict(counted)
    assert {f: {c.value: c.count for c in counts} for f, counts in facets.items()} == expected
    assert any(expected.values())


def test_renaming_an_organisation_refreshes_every_entry_it_runs(
    client: TestClient, engine: Engine
) -> None:
    first = client.get("/services").json()["items"][0]
    with Session(engine) as session, session.begin():
        organisation = session.get(Organization, first["organisation"]["id"])
        assert organisation is not None
        organisation.name = "Renamed Justice Partners"
    items = client.get("/services", params={"limit": 200}).json()["items"]
    theirs = [i for i in items if i["organisation"]["id"] == first["organisation"]["id"]]
    assert theirs and {i["organisation"]["name"] for i in theirs} == {"Renamed Justice Partners"}
