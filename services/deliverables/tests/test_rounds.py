"""A reporting round end to end over HTTP: open, lead partners report, review, publish, frozen."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.deliverables.tests.conftest import COORDINATOR, POLICE_EDITOR, SG_EDITOR
from shared.outbox import OutboxMessage

ROUND_3 = {"name": "Update 3 - December 2024", "period_covered": "April to November 2024"}
UPDATE_40 = {
    "status": "in_progress_revised",
    "narrative": "The support services tool was relaunched with every area's entries reviewed.",
    "new_timescale": "March 2025",
    "reason": "Judicial engagement took longer than planned.",
}


def _events(engine: Engine) -> list[tuple[str, str, dict[str, object]]]:
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    return [(row.event_type, row.key, json.loads(row.payload)["data"]) for row in rows]


def test_a_round_is_opened_reported_reviewed_and_published(
    client: TestClient, engine: Engine
) -> None:
    opened = client.post("/rounds", json=ROUND_3, headers=COORDINATOR)
    assert opened.status_code == 201 and opened.json()["number"] == 3
    assert client.post("/rounds", json=ROUND_3, headers=COORDINATOR).status_code == 409

    submitted = client.put("/rounds/3/deliverables/40", json=UPDATE_40, headers=SG_EDITOR)
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json()["timescale"], submitted.json()["due_date"]) == (
        "March 2025",
        "2025-03-31",
    )
    assert [(kind, key) for kind, key, _ in _events(engine)] == [
        ("DeliverableTimescaleRevised", "40"),
        ("DeliverableStatusChanged", "40"),
        ("DeliverableUpdated", "40"),
    ]
    revised = _events(engine)[0][2]
    assert (revised["old_timescale"], revised["reason"], revised["round"]) == (
        "June 2024",
        UPDATE_40["reason"],
        ROUND_3["name"],
    )

    review = client.get("/rounds/3/review", headers=COORDINATOR).json()
    assert 40 not in review["missing_updates"] and 41 in review["missing_updates"]
    assert review["revised_without_revision"] == []

    published = client.post("/rounds/3/publish", headers=COORDINATOR)
    assert published.status_code == 200 and published.json()["state"] == "published"
    kind, key, data = _events(engine)[-1]
    assert (kind, key, data["round_number"], data["name"]) == (
        "ReportingRoundPublished",
        "3",
        3,
        ROUND_3["name"],
    )
    assert client.post("/rounds/3/publish", headers=COORDINATOR).status_code == 409
    frozen = client.put("/rounds/3/deliverables/40", json=UPDATE_40, headers=SG_EDITOR)
    assert frozen.status_code == 409 and frozen.json()["error"]["code"] == "CONFLICT"


def test_history_keeps_every_revision_status_and_narrative(client: TestClient) -> None:
    client.post("/rounds", json=ROUND_3, headers=COORDINATOR)
    client.put("/rounds/3/deliverables/40", json=UPDATE_40, headers=SG_EDITOR)
    history = client.get("/deliverables/40/history").json()
    assert [(r["round"], r["new_timescale"], r["reason"]) for r in history["revisions"]] == [
        (3, "March 2025", UPDATE_40["reason"])
    ]
    assert [(c["old_status"], c["new_status"], c["round"]) for c in history["status_changes"]] == [
        ("in_progress", "in_progress_revised", 3)
    ]
    assert history["status_changes"][0]["changed_by"] == "someone@cjp.test"
    assert [(r["round"], r["status"], r["narrative"]) for r in history["rounds"]] == [
        (2, "in_progress", None),
        (3, "in_progress_revised", UPDATE_40["narrative"]),
    ]
    found = client.get("/deliverables?q=relaunched reviewed").json()
    assert [item["number"] for item in found["items"]] == [40]


def test_refused_updates_write_nothing(client: TestClient, engine: Engine) -> None:
    client.post("/rounds", json=ROUND_3, headers=COORDINATOR)
    no_revision = {**UPDATE_40, "new_timescale": None}
    no_reason = {**UPDATE_40, "reason": None}
    unreadable = {**UPDATE_40, "new_timescale": "soon"}
    cases = [
        (POLICE_EDITOR, "/rounds/3/deliverables/40", UPDATE_40, 403),
        (SG_EDITOR, "/rounds/3/deliverables/40", no_revision, 422),
        (SG_EDITOR, "/rounds/3/deliverables/40", no_reason, 422),
        (SG_EDITOR, "/rounds/3/deliverables/40", unreadable, 422),
        (SG_EDITOR, "/rounds/9/deliverables/40", UPDATE_40, 404),
        (SG_EDITOR, "/rounds/3/deliverables/77", UPDATE_40, 404),
    ]
    for headers, path, body, status in cases:
        assert client.put(path, json=body, headers=headers).status_code == status, (path, body)
    assert _events(engine) == []
    assert client.get("/deliverables/40/history").json()["revisions"] == []


def test_only_a_coordinator_opens_reviews_and_publishes(client: TestClient) -> None:
    assert client.post("/rounds", json=ROUND_3, headers=SG_EDITOR).status_code == 403
    client.post("/rounds", json=ROUND_3, headers=COORDINATOR)
    assert client.get("/rounds/3/review", headers=SG_EDITOR).status_code == 403
    assert client.post("/rounds/3/publish", headers=SG_EDITOR).status_code == 403
    assert client.get("/rounds/3").json()["state"] == "open"


def test_a_lead_partner_revises_a_timescale_with_a_reason(
    client: TestClient, engine: Engine
) -> None:
    path = "/deliverables/12/timescale"
    body = {"timescale": "October 2024", "reason": "Task group extended"}
    assert (
        client.post(path, json={"timescale": "October 2024"}, headers=SG_EDITOR).status_code == 422
    )
    assert client.post(path, json=body, headers=POLICE_EDITOR).status_code == 403
    response = client.post(path, json=body, headers=SG_EDITOR)
    assert response.status_code == 200
    assert response.json()["timescale"] == "October 2024"
    [(kind, key, data)] = _events(engine)
    assert (kind, key, data["old_timescale"], data["round"]) == (
        "DeliverableTimescaleRevised",
        "12",
        "June 2024",
        None,
    )


def test_a_coordinator_adds_a_deliverable_in_the_open_round(
    client: TestClient, engine: Engine
) -> None:
    client.post("/rounds", json=ROUND_3, headers=COORDINATOR)
    new = {
        "priority_action": 13,
        "title": "Publish an open directory of local support services",
        "timescale": "June 2025",
        "lead_partners": ["community-justice-scotland"],
        "collaborators": ["local-authorities"],
    }
    assert client.post("/deliverables", json=new, headers=SG_EDITOR).status_code == 403
    unknown = {**new, "lead_partners": ["nobody"]}
    assert client.post("/deliverables", json=unknown, headers=COORDINATOR).status_code == 422
    added = client.post("/deliverables", json=new, headers=COORDINATOR)
    assert added.status_code == 201, added.text
    assert (added.json()["number"], added.json()["aim"], added.json()["status"]) == (
        51,
        4,
        "in_progress",
    )
    assert client.get("/deliverables/51/history").json()["opened_round"] == 3
    again = client.post("/deliverables", json={**new, "number": 51}, headers=COORDINATOR)
    assert again.status_code == 409
    [(kind, key, data)] = _events(engine)
    assert (kind, key, data["lead_partners"], data["timescale"]) == (
        "DeliverableAdded",
        "51",
        ["community-justice-scotland"],
        "June 2025",
    )
