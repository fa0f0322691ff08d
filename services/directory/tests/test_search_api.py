"""Search over HTTP: one request with typos, a court and facets, as the gateway will send it."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_bail_supervision_at_a_court_with_typos_in_one_request(reader: TestClient) -> None:
    response = reader.get(
        "/services",
        params={"q": "bial supervison", "court": "Glasgow Sheriff Court", "facets": "true"},
    )
    body = response.json()
    assert response.status_code == 200
    assert [s["name"] for s in body["items"]] == ["Sample: Glasgow Electronically Monitored Bail"]
    assert body["corrected_query"] == "bail supervision"
    bail = {"value": "bail-supervision", "name": "Bail supervision", "label": "Bail supervision"}
    assert {**bail, "count": 1} in body["facets"]["service_type"]


def test_stale_entries_are_flagged_and_sink(reader: TestClient) -> None:
    items = reader.get("/services", params={"limit": 100}).json()["items"]
    stale = [s["name"] for s in items if s["is_stale"]]
    assert stale == ["Sample: Borders Drug Treatment and Testing Order"]
    assert items[-1]["name"] == stale[0]


def test_bad_paging_is_bad_user_input(reader: TestClient) -> None:
    response = reader.get("/services", params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"


def test_every_search_filter_is_a_query_parameter(reader: TestClient) -> None:
    def names(**params: object) -> list[str]:
        body = reader.get("/services", params={"limit": 100, **params}).json()
        return [item["name"] for item in body["items"]]

    assert names(client_group="women") == ["Sample: Glasgow Women's Justice Centre"]
    assert names(referral_route="self-referral", local_authority="shetland-islands") == [
        "Sample: Shetland Restorative Justice"
    ]
    assert "Sample: Edinburgh Employability for Justice" in names(age=30)
    assert "Sample: Edinburgh Employability for Justice" not in names(age=70)
    open_now = reader.get("/services", params={"open_now": "true", "limit": 100}).json()
    assert all(item["schedules"] for item in open_now["items"])
