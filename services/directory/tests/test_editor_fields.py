"""Every incumbent field, places, hours and contacts through the API; freshness; review queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from services.directory.adapters.tables import Location, Service
from services.directory.tests.conftest import COORDINATOR, FIFE_EDITOR, GLASGOW_EDITOR, JUDICIARY
from shared.outbox import OutboxMessage

FULL_ENTRY = {
    "name": "Fife women's justice hub",
    "organisation_name": "Fife Justice Services",
    "local_authorities": ["fife"],
    "description": "Support for women on orders.",
    "service_types": ["bail-supervision"],
    "courts": ["Kirkcaldy Sheriff Court"],
    "referral_routes": ["self-referral"],
    "client_groups": ["women"],
    "eligibility": "Women aged 16 and over",
    "contact_email": "hub@fife.example",
    "phone": "01592 123456",
    "minimum_age": 16,
    "maximum_age": 99,
    "url": "https://fife.example/hub",
    "published_date": "2025-04-01",
    "suitable_for": "Women on community payback orders",
    "programme_title": "Women's hub programme",
    "programme_provider": "Fife Council and a voluntary partner",
    "scheme_details": "Weekly drop-in and one-to-one support.",
    "possible_outcomes": "Orders completed; stable housing.",
    "assessment_process": "Assessed by the hub's key worker.",
    "schedules": [
        {"byday": "MO,WE", "opens_at": "09:00", "closes_at": "17:00", "description": "Drop-in"}
    ],
    "locations": [
        {
            "name": "Hub office",
            "address_1": "1 High Street",
            "city": "Kirkcaldy",
            "postal_code": "KY1 1AA",
            "latitude": 56.11,
            "longitude": -3.16,
        }
    ],
    "contacts": [{"name": "A Key Worker", "title": "Key worker", "email": "kw@fife.example"}],
}


def _codes(client: TestClient, path: str, key: str) -> list[str]:
    return [row[key] for row in client.get(path).json()]


def test_an_editor_adds_an_entry_with_every_field_and_reads_it_back(
    client: TestClient, engine: Engine
) -> None:
    referral = _codes(client, "/taxonomy-terms?taxonomy=cjp-referral-routes", "code")[0]
    group = _codes(client, "/taxonomy-terms?taxonomy=cjp-client-groups", "code")[0]
    body = FULL_ENTRY | {"referral_routes": [referral], "client_groups": [group]}
    response = client.post("/services", json=body, headers=FIFE_EDITOR)
    assert response.status_code == 201, response.text
    made = response.json()
    for name in ("suitable_for", "programme_title", "programme_provider", "scheme_details",
                 "possible_outcomes", "assessment_process", "published_date", "url",
                 "eligibility", "contact_email", "phone", "minimum_age", "schedules",
                 "contacts"):  # fmt: skip
        assert made[name] == body[name], name
    assert made["locations"] == body["locations"]
    assert made["courts"] == ["Kirkcaldy Sheriff Court"]
    assert (made["referral_routes"], made["client_groups"]) == ([referral], [group])
    assert made["freshness"] == "fresh"
    found = client.get("/services", params={"q": "women's hub", "court": "kirkcaldy"}).json()
    assert [item["id"] for item in found["items"]] == [made["id"]]
    with Session(engine) as session:
        [message] = session.exec(select(OutboxMessage)).all()
    assert json.loads(message.payload)["event_type"] == "ServiceCreated"


def test_moving_a_service_replaces_its_location_and_leaves_no_orphan(
    client: TestClient, engine: Engine
) -> None:
    made = client.post("/services", json=FULL_ENTRY | {"referral_routes": [],
                       "client_groups": []}, headers=FIFE_EDITOR).json()  # fmt: skip
    moved = {"name": "New office", "postal_code": "KY2 2BB"}
    response = client.patch(f"/services/{made['id']}", json={"locations": [moved]},
                            headers=FIFE_EDITOR)  # fmt: skip
    assert response.status_code == 200, response.text
    assert [p["postal_code"] for p in response.json()["locations"]] == ["KY2 2BB"]
    with Session(engine) as session:
        both = ["Hub office", "New office"]
        names = session.exec(select(Location.name).where(col(Location.name).in_(both))).all()
    assert names == ["New office"]


def test_a_bad_time_or_coordinate_is_refused_and_nothing_is_written(
    client: TestClient, engine: Engine
) -> None:
    bad = FULL_ENTRY | {"schedules": [{"byday": "MONDAY", "opens_at": "9am"}]}
    assert client.post("/services", json=bad, headers=FIFE_EDITOR).status_code == 422
    far = FULL_ENTRY | {"locations": [{"latitude": 123.0}]}
    assert client.post("/services", json=far, headers=FIFE_EDITOR).status_code == 422
    with Session(engine) as session:
        assert session.exec(select(OutboxMessage)).all() == []


def test_review_queue_holds_the_editors_stale_and_due_entries_most_overdue_first(
    client: TestClient, engine: Engine
) -> None:
    client.post("/services", json={"name": "Second Fife entry", "organisation_name": "Fife",
                "local_authorities": ["fife"]}, headers=FIFE_EDITOR)  # fmt: skip
    fife = client.get("/services", params={"local_authority": "fife"}).json()["items"]
    now = datetime.now(UTC)
    ages = {fife[0]["id"]: timedelta(days=400), fife[1]["id"]: timedelta(days=170)}
    with Session(engine) as session:
        session.exec(update(Service).values(last_reviewed_at=now))
        for service_id, age in ages.items():
            session.exec(
                update(Service)
                .where(col(Service.id) == service_id)
                .values(last_reviewed_at=now - age)
            )
        session.commit()
    queue = client.get("/reviews/queue", headers=FIFE_EDITOR).json()
    assert [(s["id"], s["freshness"]) for s in queue] == [
        (fife[0]["id"], "stale"), (fife[1]["id"], "due_soon"),
    ]  # fmt: skip
    assert client.get("/reviews/queue", headers=GLASGOW_EDITOR).json() == []
    assert len(client.get("/reviews/queue", headers=COORDINATOR).json()) == 2
    assert client.get("/reviews/queue", headers=JUDICIARY).status_code == 403
    reviewed = client.post(f"/services/{fife[0]['id']}/review", json={}, headers=FIFE_EDITOR)
    assert reviewed.json()["freshness"] == "fresh"
    assert [s["id"] for s in client.get("/reviews/queue", headers=FIFE_EDITOR).json()] == [
        fife[1]["id"]
    ]


def test_an_imported_entry_without_dates_was_never_reviewed(client: TestClient) -> None:
    exported = client.get("/open/export").json()
    entry = exported["services"][0]
    entry["id"] = "imported-without-dates"
    entry["service_at_locations"] = []
    entry["community_justice"].pop("last_reviewed_at", None)
    entry["community_justice"].pop("published_date", None)
    dated = json.loads(json.dumps(entry)) | {"id": "imported-published"}
    dated["community_justice"]["published_date"] = "2024-01-10"
    document = {"services": [entry, dated]}
    assert client.post("/import/hsds", json=document, headers=COORDINATOR).status_code == 200
    never = client.get("/services/imported-without-dates").json()
    assert (never["freshness"], never["last_reviewed_at"][:4]) == ("stale", "1970")
    published = client.get("/services/imported-published").json()
    assert published["last_reviewed_at"].startswith("2024-01-10")
