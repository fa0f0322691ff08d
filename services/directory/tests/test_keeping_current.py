"""Review cycle, suggested corrections, withdrawal, creation and the change history."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.directory.adapters.tables.base import utc_now
from services.directory.tests.conftest import COORDINATOR, FIFE_EDITOR, GLASGOW_EDITOR
from services.directory.use_cases.review import request_due_reviews
from shared.outbox import OutboxMessage
from shared.unit_of_work import UnitOfWork


def _events(engine: Engine) -> list[dict[str, object]]:
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        return [json.loads(row.payload) for row in rows]


def _stale_id(client: TestClient) -> str:
    items = client.get("/services", params={"limit": 100}).json()["items"]
    return str(next(s["id"] for s in items if s["is_stale"]))


def test_stale_entries_ask_their_partnership_once(client: TestClient, engine: Engine) -> None:
    stale_id = _stale_id(client)
    assert request_due_reviews(UnitOfWork(engine)) == 1
    assert request_due_reviews(UnitOfWork(engine)) == 0
    [event] = _events(engine)
    assert event["event_type"] == "ServiceReviewDue" and event["aggregate_id"] == stale_id
    data = event["data"]
    assert isinstance(data, dict)
    assert data["owner_partnership"] == "Scottish Borders Community Justice Partnership"
    assert data["owner_email"] == "scottish-borders-cjp@partnerships.cjp.test"
    assert request_due_reviews(UnitOfWork(engine), now=utc_now() + timedelta(days=31)) == 1


def test_reviewing_resets_the_clock(client: TestClient, engine: Engine) -> None:
    stale_id = _stale_id(client)
    reviewed = client.post(f"/services/{stale_id}/review", headers=COORDINATOR).json()
    assert reviewed["is_stale"] is False
    assert reviewed["review_due_at"] > (utc_now() + timedelta(days=180)).isoformat()
    assert request_due_reviews(UnitOfWork(engine)) == 0
    history = client.get(f"/services/{stale_id}/history", headers=COORDINATOR).json()
    assert [(h["kind"], h["field"]) for h in history] == [("reviewed", "last_reviewed_at")]


def test_only_the_areas_editors_may_review(client: TestClient) -> None:
    stale_id = _stale_id(client)
    assert client.post(f"/services/{stale_id}/review", headers=FIFE_EDITOR).status_code == 403


def test_a_suggestion_reaches_the_owning_partnership(client: TestClient, engine: Engine) -> None:
    fife = client.get("/services", params={"local_authority": "fife"}).json()["items"][0]
    created = client.post(
        f"/services/{fife['id']}/suggestions",
        json={"message": "The phone number has changed.", "field": "phone", "email": "a@b.test"},
    )
    assert created.status_code == 201
    assert created.json()["partnership"] == "Fife Community Justice Partnership"
    [event] = _events(engine)
    assert event["event_type"] == "ServiceCorrectionSuggested"
    assert event["data"]["owner_email"] == "fife-cjp@partnerships.cjp.test"  # type: ignore[index]
    fife_inbox = client.get("/suggestions", headers=FIFE_EDITOR).json()
    assert [s["message"] for s in fife_inbox] == ["The phone number has changed."]
    assert client.get("/suggestions", headers=GLASGOW_EDITOR).json() == []
    suggestion_id = fife_inbox[0]["id"]
    refused = client.post(f"/suggestions/{suggestion_id}/resolve", headers=GLASGOW_EDITOR)
    assert refused.status_code == 403
    resolved = client.post(f"/suggestions/{suggestion_id}/resolve", headers=FIFE_EDITOR)
    assert resolved.json()["status"] == "resolved"
    assert client.get("/suggestions", headers=FIFE_EDITOR).json() == []


def test_creating_an_entry_raises_service_created(client: TestClient, engine: Engine) -> None:
    body = {
        "name": "Fife Restorative Justice", "organisation_name": "Fife Council",
        "local_authorities": ["fife"], "service_types": ["restorative-justice"],
        "courts": ["Kirkcaldy Sheriff Court"], "referral_routes": ["self-referral"],
    }  # fmt: skip
    created = client.post("/services", json=body, headers=FIFE_EDITOR)
    assert created.status_code == 201, created.text
    service = created.json()
    assert service["is_sample"] is False and service["organisation"]["name"] == "Fife Council"
    assert service["providing_partnership"] == "Fife Community Justice Partnership"
    [event] = _events(engine)
    assert (event["event_type"], event["aggregate_id"]) == ("ServiceCreated", service["id"])
    found = client.get("/services", params={"q": "restorative", "local_authority": "fife"}).json()
    assert [s["id"] for s in found["items"]] == [service["id"]]


def test_editors_create_only_in_their_own_area(client: TestClient, engine: Engine) -> None:
    body = {"name": "X", "organisation_name": "Y", "local_authorities": ["glasgow-city"]}
    assert client.post("/services", json=body, headers=FIFE_EDITOR).status_code == 403
    assert _events(engine) == []


def test_withdrawing_hides_the_entry_and_raises_service_withdrawn(
    client: TestClient, engine: Engine
) -> None:
    glasgow = client.get("/services", params={"local_authority": "glasgow-city"}).json()
    service_id = glasgow["items"][0]["id"]
    response = client.post(
        f"/services/{service_id}/withdraw", json={"reason": "Funding ended"}, headers=GLASGOW_EDITOR
    )
    assert response.status_code == 200 and response.json()["status"] == "defunct"
    [event] = _events(engine)
    assert event["event_type"] == "ServiceWithdrawn"
    assert event["data"]["reason"] == "Funding ended"  # type: ignore[index]
    after = client.get("/services", params={"local_authority": "glasgow-city"}).json()
    assert after["total"] == glasgow["total"] - 1
    again = client.post(
        f"/services/{service_id}/withdraw", json={"reason": "Again"}, headers=GLASGOW_EDITOR
    )
    assert again.status_code == 409
