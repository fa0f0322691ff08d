"""Distance search over HTTP, as the gateway sends it: near a court, a point; errors say why."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.directory.adapters.geography.courts import COURT_COORDINATES
from services.directory.adapters.geography.distance import miles_between

KIRKCALDY_SAMPLE_OFFICE = (56.113, -3.158)


def test_services_near_a_court_come_nearest_first_with_miles(reader: TestClient) -> None:
    response = reader.get(
        "/services",
        params={
            "near_court": "dunfermline",
            "within_miles": 50,
            "service_type": "bail-supervision",
        },
    )
    assert response.status_code == 200, response.text
    [item] = response.json()["items"]  # the Glasgow EM bail sample has no location
    assert item["name"] == "Sample: Fife Bail Supervision Service"
    expected = miles_between(COURT_COORDINATES["dunfermline"], KIRKCALDY_SAMPLE_OFFICE)
    assert item["distance_miles"] == round(expected, 2) and 10 < expected < 15
    everything = reader.get("/services", params={"near_court": "glasgow", "within_miles": 60})
    distances = [i["distance_miles"] for i in everything.json()["items"]]
    assert len(distances) == 2 and distances == sorted(distances)


def test_without_a_place_there_is_no_distance(reader: TestClient) -> None:
    items = reader.get("/services").json()["items"]
    assert items and all(item["distance_miles"] is None for item in items)


def test_courts_carry_their_coordinates(reader: TestClient) -> None:
    courts = {c["slug"]: c for c in reader.get("/courts").json()}
    assert (courts["wick"]["latitude"], courts["wick"]["longitude"]) == COURT_COORDINATES["wick"]


def test_an_unknown_place_or_radius_is_bad_user_input(reader: TestClient) -> None:
    for params in (
        {"near_court": "atlantis"},
        {"near_postcode": "ZZ1 1ZZ"},
        {"latitude": 56.0},
        {"near_court": "ayr", "within_miles": 0},
        {"near_court": "ayr", "within_miles": 501},
    ):
        response = reader.get("/services", params=params)
        assert response.status_code == 422, params
