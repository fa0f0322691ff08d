"""The open API answers in the HSDS 3.0 / ORUK shape and validates against the HSDS schemas."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.directory.tests.conftest import FIFE_EDITOR
from services.directory.tests.hsds_schemas import assert_page, assert_valid


def _fife_service_id(client: TestClient) -> str:
    listed = client.get("/services", params={"local_authority": "fife"}).json()
    return str(listed["items"][0]["id"])


def test_services_page_validates_and_pages(reader: TestClient) -> None:
    body = reader.get("/open/services", params={"per_page": 3, "page": 2}).json()
    assert_page(body, "compiled/service_list.json")
    assert (body["total_items"], body["total_pages"], body["page_number"], body["size"]) == (
        8,
        3,
        2,
        3,
    )
    assert body["first_page"] is False and body["last_page"] is False


def test_full_service_validates_with_history_as_metadata(client: TestClient) -> None:
    service_id = _fife_service_id(client)
    client.patch(f"/services/{service_id}", json={"phone": "01592 999999"}, headers=FIFE_EDITOR)
    body = client.get(f"/open/services/{service_id}").json()
    assert_valid(body, "compiled/service.json")
    assert body["organization"]["name"] == "Sample: Fife Justice Social Work"
    assert [p["number"] for p in body["phones"]] == ["01592 999999"]
    assert {a["taxonomy_term"]["code"] for a in body["attributes"]} >= {"bail-supervision", "court"}
    assert body["service_areas"][0]["extent"] == "fife"
    assert body["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert body["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Kirkcaldy"
    [change] = body["metadata"]
    assert (change["field_name"], change["previous_value"], change["replacement_value"]) == (
        "phone", "01592 000000", "01592 999999",
    )  # fmt: skip
    assert body["community_justice"]["courts"] == [
        "Dunfermline Sheriff Court", "Kirkcaldy Sheriff Court",
    ]  # fmt: skip


def test_search_and_taxonomy_term_filter(reader: TestClient) -> None:
    terms = reader.get("/open/taxonomy_terms", params={"search": "bail supervision"}).json()
    assert_page(terms, "schema/taxonomy_term.json")
    [term] = [t for t in terms["contents"] if t["code"] == "bail-supervision"]
    tagged = reader.get("/open/services", params={"taxonomy_term_id": term["id"]}).json()
    assert tagged["total_items"] == 2
    by_taxonomy = reader.get("/open/services", params={"taxonomy_id": term["taxonomy_id"]}).json()
    assert by_taxonomy["total_items"] == 8
    found = reader.get("/open/services", params={"search": "restorativ justise"}).json()
    assert [s["name"] for s in found["contents"]] == ["Sample: Shetland Restorative Justice"]


def test_modified_after_returns_only_recent_changes(client: TestClient) -> None:
    service_id = _fife_service_id(client)
    everything = client.get("/services", params={"limit": 100}).json()["items"]
    cut = max(item["updated_at"] for item in everything)
    client.patch(
        f"/services/{service_id}", json={"url": "https://fife.example/bail"}, headers=FIFE_EDITOR
    )
    body = client.get("/open/services", params={"modified_after": cut}).json()
    assert [s["id"] for s in body["contents"]] == [service_id]


def test_organizations_taxonomies_and_locations_validate(reader: TestClient) -> None:
    organisations = reader.get("/open/organizations").json()
    assert_page(organisations, "compiled/organization_list.json")
    first = organisations["contents"][0]["id"]
    assert_valid(reader.get(f"/open/organizations/{first}").json(), "compiled/organization.json")
    taxonomies = reader.get("/open/taxonomies").json()
    assert_page(taxonomies, "schema/taxonomy.json")
    assert taxonomies["total_items"] == 3
    links = reader.get("/open/service_at_locations").json()
    assert_page(links, "compiled/service_at_location_list.json")
    assert links["total_items"] == 2
    one = reader.get(f"/open/service_at_locations/{links['contents'][0]['id']}").json()
    assert_valid(one, "compiled/service_at_location.json")


def test_unknown_open_ids_are_not_found(reader: TestClient) -> None:
    for path in (
        "services",
        "organizations",
        "taxonomies",
        "taxonomy_terms",
        "service_at_locations",
    ):
        response = reader.get(f"/open/{path}/00000000-0000-4000-8000-000000000000")
        assert response.status_code == 404, path


def test_the_schema_check_itself_rejects_a_broken_service() -> None:
    with pytest.raises(AssertionError):
        assert_valid({"id": "not-a-uuid", "name": "No status"}, "compiled/service.json")
