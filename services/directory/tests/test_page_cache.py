"""Repeated searches are answered from a per-process cache that a write in any process ends."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.directory.app import create_app
from services.directory.entrypoints.http.services import NOT_KEPT
from services.directory.settings import DirectorySettings
from services.directory.tests.conftest import COORDINATOR
from shared.page_cache import cache_key, read_version
from tests.identity_signing import SignsTestIdentities

SEARCH = {"q": "bail", "facets": "true", "limit": "50"}


def test_a_write_in_another_process_ends_the_kept_answer(
    client: TestClient, directory_settings: DirectorySettings
) -> None:
    first = client.get("/services", params=SEARCH).json()
    assert client.get("/services", params=SEARCH).json() == first  # kept
    with TestClient(create_app(directory_settings)) as other:  # a second worker, same database
        other.auth = SignsTestIdentities("directory")
        service_id = first["items"][0]["id"]
        renamed = "Bail support renamed elsewhere"
        other.patch(f"/services/{service_id}", json={"name": renamed}, headers=COORDINATOR)
    again = client.get("/services", params=SEARCH).json()
    assert again["total"] == first["total"]
    assert renamed in [item["name"] for item in again["items"]]


def test_a_kept_answer_is_served_before_the_route_and_only_valid_answers_are_kept(
    client: TestClient,
) -> None:
    cache = client.app.state.page_cache  # type: ignore[attr-defined]
    first = client.get("/services", params=SEARCH)
    key = cache_key(sorted(SEARCH.items()), uncacheable=NOT_KEPT)
    assert key is not None and cache.kept(key, _version(client)) == first.content
    cache.keep(key, _version(client), b'{"kept": true}')  # what the cache holds is what is sent
    assert client.get("/services", params=SEARCH).json() == {"kept": True}
    for _ in range(2):  # refused by validation each time, never kept
        assert client.get("/services", params={**SEARCH, "limit": "0"}).status_code == 422


def _version(client: TestClient) -> int:
    return read_version(client.app.state.engine)  # type: ignore[attr-defined]


def test_time_and_postcode_dependent_searches_are_never_kept() -> None:
    assert cache_key([("open_now", "true"), ("q", "bail")], uncacheable=NOT_KEPT) is None
    assert cache_key([("near_postcode", "KY12 7AA")], uncacheable=NOT_KEPT) is None
    assert cache_key([("q", "bail"), ("open_now", "false")], uncacheable=NOT_KEPT) == (
        "open_now=false&q=bail"
    )


def test_several_workers_on_sqlite_would_each_run_the_relay_so_are_refused() -> None:
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        DirectorySettings(workers=2, database_url="sqlite:///x.db", relay_enabled=True)
    assert DirectorySettings(workers=2, database_url="sqlite:///x.db", relay_enabled=False)
    postgres = "postgresql+psycopg://postgres@127.0.0.1/cjp_directory"
    assert DirectorySettings(workers=2, database_url=postgres).workers == 2
