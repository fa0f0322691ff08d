"""The open API as the ORUK profile asks: own OpenAPI, CORS, formats, filters, lenient paging."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.directory.adapters.geography.postcodes import load_postcodes
from services.directory.tests.hsds_schemas import assert_page, assert_valid


def _names(body: dict[str, object]) -> list[str]:
    return sorted(item["name"] for item in body["contents"])  # type: ignore[attr-defined]


def test_about_points_at_the_open_apis_own_openapi_absolutely(reader: TestClient) -> None:
    about = reader.get("/open/").json()
    assert about["openapi_url"] == "http://testserver/open/openapi.json"
    assert about["profile"].startswith("https://") and about["version"] == "3.0"
    document = reader.get(about["openapi_url"]).json()
    assert document["servers"] == [{"url": "http://testserver/open"}]
    assert {"/services", "/service_at_locations", "/taxonomy_terms/{term_id}"} <= set(
        document["paths"]
    )
    assert not any(path.startswith(("/open", "/import")) for path in document["paths"])


def test_every_open_answer_allows_any_origin(reader: TestClient) -> None:
    for path in ("/open/", "/open/services", "/open/services/nope", "/open/taxonomies"):
        assert reader.get(path).headers["access-control-allow-origin"] == "*", path
    preflight = reader.options(
        "/open/services",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-origin" not in reader.get("/services").headers  # internal API


def test_out_of_range_paging_is_clamped(reader: TestClient) -> None:
    first = reader.get("/open/services", params={"page": 0, "per_page": 300}).json()
    assert (first["page_number"], first["size"], first["total_items"]) == (1, 8, 8)
    tiny = reader.get("/open/taxonomy_terms", params={"page": -3, "per_page": 0}).json()
    assert (tiny["page_number"], tiny["size"]) == (1, 1)
    blank = reader.get("/open/services", params={"modified_after": "", "search": ""})
    assert blank.status_code == 200 and blank.json()["total_items"] == 8


def test_ndjson_streams_every_item_without_paging(reader: TestClient) -> None:
    response = reader.get("/open/services", params={"format": "ndjson", "per_page": 2})
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert len(lines) == 8 and len({line["id"] for line in lines}) == 8
    for line in lines:
        assert_valid(line, "compiled/service_list.json")
    terms = reader.get("/open/taxonomy_terms", params={"format": "NDJSON"}).text.splitlines()
    assert len(terms) == reader.get("/open/taxonomy_terms").json()["total_items"]


def test_minimal_and_full(reader: TestClient) -> None:
    minimal = reader.get("/open/services", params={"minimal": "true"}).json()
    assert_page(minimal, "compiled/service_list.json")
    assert all(set(item) == {"id", "name", "status", "last_modified"}
               for item in minimal["contents"])  # fmt: skip
    full = reader.get("/open/services", params={"full": "true", "per_page": 3}).json()
    assert_page(full, "compiled/service.json")
    assert all("service_areas" in item for item in full["contents"])
    organisations = reader.get("/open/organizations", params={"full_service": "true"}).json()
    assert all("service_areas" in s for o in organisations["contents"] for s in o["services"])


def test_oruk_age_day_and_time_filters(reader: TestClient) -> None:
    def names(**params: object) -> list[str]:
        return _names(reader.get("/open/services", params=params).json())

    assert "Sample: Falkirk Throughcare and Housing Support" not in names(minimum_age=16)
    assert len(names(minimum_age=16)) == 7
    assert "Sample: Edinburgh Employability for Justice" not in names(maximum_age=70)
    assert names(day="saturday") == names(day="SA") == ["Sample: Ayrshire Unpaid Work Team"]
    assert names(start_time="09:00", end_time="17:00") == ["Sample: Fife Bail Supervision Service"]
    refused = reader.get("/open/services", params={"day": "someday"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "day"


def test_service_at_locations_by_postcode_and_proximity(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    onspd = tmp_path / "onspd.csv"
    onspd.write_text("pcds,lat,long\nKY1 1XX,56.1120,-3.1590\nG1 1XQ,55.8609,-4.2514\n")
    load_postcodes(engine, onspd)
    links = "/open/service_at_locations"
    near = client.get(links, params={"postcode": "ky11xx", "proximity": "2000"}).json()
    assert_page(near, "compiled/service_at_location_list.json")
    assert [link["location"]["addresses"][0]["city"] for link in near["contents"]] == ["Kirkcaldy"]
    wide = client.get(links, params={"postcode": "G1 1XQ", "proximity": "90000"}).json()
    cities = [link["location"]["addresses"][0]["city"] for link in wide["contents"]]
    assert cities == ["Glasgow", "Kirkcaldy"]  # nearest first
    searched = client.get("/open/service_at_locations", params={"search": "women"}).json()
    assert [link["location"]["addresses"][0]["city"] for link in searched["contents"]] == [
        "Glasgow"
    ]
    unknown = client.get("/open/service_at_locations", params={"postcode": "ZZ9 9ZZ"})
    assert unknown.status_code == 422 and "postcode table" in unknown.json()["error"]["message"]


def test_nul_characters_never_reach_the_database(reader: TestClient) -> None:
    """PostgreSQL text cannot hold NUL; schemathesis sent some and got a 500 before."""
    listed = reader.get("/open/services", params={"search": "bail\x00", "taxonomy_id": "\x00"})
    assert listed.status_code == 200
    for path in ("/open/services/a%00b", "/open/taxonomies/%00", "/open/organizations/%00"):
        assert reader.get(path).status_code == 404, path
    near = reader.get("/services", params={"near_court": "ayr\x00", "within_miles": 5})
    assert near.status_code == 200
