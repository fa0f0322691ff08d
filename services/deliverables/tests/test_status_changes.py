"""Changing a deliverable's status: who may, what is written, and nothing on any error."""

from __future__ import annotations

import json
import threading

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from services.deliverables.adapters.tables import Deliverable, StatusChange
from services.deliverables.tests.conftest import COORDINATOR, POLICE_EDITOR, SG_EDITOR
from shared.outbox import OutboxMessage


def _writes(engine: Engine) -> tuple[list[StatusChange], list[OutboxMessage]]:
    with Session(engine) as session:
        return (
            list(session.exec(select(StatusChange)).all()),
            list(session.exec(select(OutboxMessage)).all()),
        )


def test_lead_partner_editor_changes_status_with_history_and_event(
    client: TestClient, engine: Engine
) -> None:
    response = client.post(
        "/deliverables/40/status",
        json={"status": "complete", "reason": "Tool relaunched"},
        headers={**SG_EDITOR, "X-Correlation-ID": "corr-40"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "complete"
    assert response.json()["status_label"] == "Complete"
    history, outbox = _writes(engine)
    assert [(row.old_status, row.new_status, row.reason) for row in history] == [
        ("in_progress", "complete", "Tool relaunched")
    ]
    assert history[0].changed_by == "someone@cjp.test"
    assert [(row.event_type, row.key, row.topic) for row in outbox] == [
        ("DeliverableStatusChanged", "40", "deliverables.deliverable.v1")
    ]
    envelope = json.loads(outbox[0].payload)
    assert envelope["correlation_id"] == "corr-40"
    assert envelope["actor"]["organisation"] == "scottish-government"
    assert envelope["data"] == {
        "number": 40,
        "title": "Help partners and the judiciary find local support services",
        "aim": 4,
        "priority_action": 13,
        "lead_partners": ["scottish-government", "community-justice-scotland"],
        "old_status": "in_progress",
        "new_status": "complete",
        "round": None,
        "reason": "Tool relaunched",
        "narrative": None,
    }


def test_coordinator_may_change_any_deliverable_and_unchanged_writes_nothing(
    client: TestClient, engine: Engine
) -> None:
    unchanged = client.post(
        "/deliverables/40/status", json={"status": "in_progress"}, headers=COORDINATOR
    )
    assert unchanged.status_code == 200
    assert _writes(engine) == ([], [])
    response = client.post(
        "/deliverables/24/status", json={"status": "complete"}, headers=COORDINATOR
    )
    assert response.status_code == 200
    assert [row.key for row in _writes(engine)[1]] == ["24"]


def test_refused_changes_write_nothing(client: TestClient, engine: Engine) -> None:
    cases = [
        (40, {"status": "complete"}, {}, 401, "UNAUTHENTICATED"),
        (40, {"status": "complete"}, {"X-CJP-Identity": "forged"}, 401, "UNAUTHENTICATED"),
        (40, {"status": "complete"}, POLICE_EDITOR, 403, "FORBIDDEN"),
        (99, {"status": "complete"}, COORDINATOR, 404, "NOT_FOUND"),
        (40, {"status": "finished"}, COORDINATOR, 422, "BAD_USER_INPUT"),
    ]
    for number, body, headers, status, code in cases:
        response = client.post(f"/deliverables/{number}/status", json=body, headers=headers)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), body
    assert _writes(engine) == ([], [])
    with Session(engine) as session:
        deliverable = session.get(Deliverable, 40)
        assert deliverable is not None and deliverable.status == "in_progress"


def test_simultaneous_changes_are_serialised(
    client: TestClient, engine: Engine, backend: str
) -> None:
    """A row lock on PostgreSQL, SQLite's write lock (BEGIN IMMEDIATE) on SQLite."""
    answers: list[int] = []

    def change_to_outstanding() -> None:
        body = {"status": "outstanding"}
        answers.append(
            client.post("/deliverables/40/status", json=body, headers=COORDINATOR).status_code
        )

    with Session(engine) as other_editor:
        if backend == "sqlite":
            other_editor.connection().exec_driver_sql("BEGIN IMMEDIATE")
        locked = other_editor.get(Deliverable, 40, with_for_update=True)
        assert locked is not None
        waiting = threading.Thread(target=change_to_outstanding)
        waiting.start()
        waiting.join(timeout=1.0)
        assert waiting.is_alive(), "the second change should wait for the first"
        other_editor.add(
            StatusChange(deliverable_number=40, old_status=locked.status, new_status="complete")
        )
        locked.status = "complete"
        other_editor.add(locked)
        other_editor.commit()
    waiting.join(timeout=30)
    assert answers == [200]
    history, _outbox = _writes(engine)
    assert [(row.old_status, row.new_status) for row in history] == [
        ("in_progress", "complete"),
        ("complete", "outstanding"),
    ]
