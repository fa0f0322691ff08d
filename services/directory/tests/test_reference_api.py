"""Reference facts and reading entries through the internal API."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_answers_ok(reader: TestClient) -> None:
    assert reader.get("/health").json() == {"status": "ok"}


def test_all_32_areas_with_their_partnerships(reader: TestClient) -> None:
    areas = {a["code"]: a for a in reader.get("/local-authorities").json()}
    assert len(areas) == 32
    ayrshire = {
        areas[c]["partnership"] for c in ("east-ayrshire", "north-ayrshire", "south-ayrshire")
    }
    assert ayrshire == {"Community Justice Ayrshire"}
    assert areas["fife"]["partnership"] == "Fife Community Justice Partnership"
    assert len({a["partnership"] for a in areas.values()}) == 30


def test_service_types_are_the_community_justice_taxonomy(reader: TestClient) -> None:
    codes = {t["code"] for t in reader.get("/service-types").json()}
    assert {"bail-supervision", "cpo-unpaid-work", "dtto", "employability"} <= codes
    assert len(codes) == 16


def test_sample_entries_are_marked_as_sample(reader: TestClient) -> None:
    body = reader.get("/services", params={"limit": 100}).json()
    assert body["total"] == len(body["items"]) > 0
    assert all(item["is_sample"] and item["name"].startswith("Sample: ") for item in body["items"])


def test_filters_by_area_and_type_with_total_and_paging(reader: TestClient) -> None:
    glasgow = reader.get("/services", params={"local_authority": "glasgow-city"}).json()
    assert glasgow["total"] == 2
    assert all("glasgow-city" in s["local_authorities"] for s in glasgow["items"])
    bail = reader.get(
        "/services", params={"local_authority": "glasgow-city", "service_type": "bail-supervision"}
    ).json()
    assert [s["name"] for s in bail["items"]] == ["Sample: Glasgow Electronically Monitored Bail"]
    page = reader.get("/services", params={"limit": 3, "offset": 3}).json()
    assert len(page["items"]) == 3 and page["total"] == 8


def test_one_service_by_id_and_unknown_id(reader: TestClient) -> None:
    first = reader.get("/services", params={"local_authority": "fife"}).json()["items"][0]
    found = reader.get(f"/services/{first['id']}").json()
    assert found["name"] == "Sample: Fife Bail Supervision Service"
    assert found["courts"] == ["Dunfermline Sheriff Court", "Kirkcaldy Sheriff Court"]
    assert found["organisation"]["name"] == "Sample: Fife Justice Social Work"
    missing = reader.get("/services/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "NOT_FOUND"


def test_services_are_read_by_id_in_one_batch_in_the_order_asked(reader: TestClient) -> None:
    ids = [s["id"] for s in reader.get("/services", params={"limit": 3}).json()["items"]]
    asked = [ids[2], "no-such-service", ids[0], ids[2]]
    found = reader.get("/services/by-ids", params={"ids": ",".join(asked)}).json()
    assert [s["id"] for s in found] == [ids[2], ids[0]]  # unknown left out, repeats once
    assert found[0] == reader.get(f"/services/{ids[2]}").json()


def test_an_oversized_batch_names_the_ids_parameter(reader: TestClient) -> None:
    response = reader.get("/services/by-ids", params={"ids": ",".join(f"s{n}" for n in range(501))})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "ids"
