"""Changing entries: scoping, history and the ServiceUpdated outbox row, all in one transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.directory.adapters.tables import ServiceChange
from services.directory.tests.conftest import COORDINATOR, FIFE_EDITOR, GLASGOW_EDITOR, JUDICIARY
from shared.outbox import OutboxMessage


def _service_id(client: TestClient, area: str) -> str:
    return str(client.get("/services", params={"local_authority": area}).json()["items"][0]["id"])


def _outbox(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def _history(engine: Engine, service_id: str) -> list[ServiceChange]:
    with Session(engine) as session:
        statement = select(ServiceChange).where(col(ServiceChange.service_id) == service_id)
        return list(session.exec(statement))


def _refused_and_nothing_written(
    client: TestClient, engine: Engine, service_id: str, body: object, headers: Mapping[str, str]
) -> dict[str, object]:
    """PATCH ``body``; the entry, its history and the outbox must be as they were before."""
    before = client.get(f"/services/{service_id}").json()
    response = client.patch(f"/services/{service_id}", json=body, headers=headers)
    assert response.status_code >= 400, response.text
    assert client.get(f"/services/{service_id}").json() == before
    assert _outbox(engine) == [] and _history(engine, service_id) == []
    error: dict[str, object] = {"status": response.status_code, **response.json()["error"]}
    return error


def test_area_editor_changes_their_entry_with_history_and_event(
    client: TestClient, engine: Engine
) -> None:
    service_id = _service_id(client, "fife")
    response = client.patch(
        f"/services/{service_id}",
        json={"phone": "01592 111222", "service_types": ["bail-supervision", "mental-health"]},
        headers=FIFE_EDITOR,
    )
    assert response.status_code == 200, response.text
    assert response.json()["phone"] == "01592 111222"
    assert response.json()["service_types"] == ["bail-supervision", "mental-health"]
    history = {row.field: row for row in _history(engine, service_id)}
    assert set(history) == {"phone", "service_types"}
    assert json.loads(history["phone"].old_value or "null") == "01592 000000"
    assert history["phone"].changed_by == "fife@cjp.test"
    [message] = _outbox(engine)
    event = json.loads(message.payload)
    assert (message.topic, message.key, event["event_type"]) == (
        "directory.service.v1", service_id, "ServiceUpdated",
    )  # fmt: skip
    assert event["data"]["changes"]["phone"] == {"old": "01592 000000", "new": "01592 111222"}
    assert event["data"]["local_authorities"] == ["fife"]
    assert event["actor"]["subject"] == "fife@cjp.test"


def test_editor_of_another_area_is_forbidden_and_nothing_is_written(
    client: TestClient, engine: Engine
) -> None:
    service_id = _service_id(client, "fife")
    response = client.patch(
        f"/services/{service_id}", json={"name": "Hijacked"}, headers=GLASGOW_EDITOR
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert client.get(f"/services/{service_id}").json()["name"].startswith("Sample: Fife")
    assert _outbox(engine) == [] and _history(engine, service_id) == []


def test_readers_without_an_editing_role_are_forbidden(client: TestClient, engine: Engine) -> None:
    service_id = _service_id(client, "fife")
    error = _refused_and_nothing_written(client, engine, service_id, {"name": "X"}, JUDICIARY)
    assert (error["status"], error["code"]) == (403, "FORBIDDEN")


def test_anonymous_change_is_unauthenticated(client: TestClient, engine: Engine) -> None:
    service_id = _service_id(client, "fife")
    error = _refused_and_nothing_written(client, engine, service_id, {"name": "X"}, {})
    assert (error["status"], error["code"]) == (401, "UNAUTHENTICATED")


def test_an_invalid_code_rejects_the_whole_change(client: TestClient, engine: Engine) -> None:
    service_id = _service_id(client, "fife")
    response = client.patch(
        f"/services/{service_id}",
        json={"name": "Renamed", "service_types": ["no-such-type"]},
        headers=COORDINATOR,
    )
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "BAD_USER_INPUT", "message": "Unknown service_types: no-such-type.",
        "field": "service_types",
    }  # fmt: skip
    assert client.get(f"/services/{service_id}").json()["name"].startswith("Sample: Fife")
    assert _outbox(engine) == [] and _history(engine, service_id) == []


def test_unknown_fields_statuses_and_emptied_names_are_bad_input(
    client: TestClient, engine: Engine
) -> None:
    service_id = _service_id(client, "fife")
    bodies = ({"colour": "red"}, {"status": "closed-ish"}, {"name": None}, {"status": None})
    for body in bodies:
        error = _refused_and_nothing_written(client, engine, service_id, body, COORDINATOR)
        assert (error["status"], error["code"]) == (422, "BAD_USER_INPUT"), body


def test_a_name_with_a_line_break_is_refused_naming_the_field(
    client: TestClient, engine: Engine
) -> None:
    """A name becomes an email subject: a line break would break the header (issue 11)."""
    service_id = _service_id(client, "fife")
    for name in ("Line\nbreak", "Carriage\rreturn", "Tab\tin it", "Para\u2029graph"):
        error = _refused_and_nothing_written(
            client, engine, service_id, {"name": name}, COORDINATOR
        )
        assert (error["status"], error["code"], error.get("field")) == (
            422, "BAD_USER_INPUT", "name"
        ), error  # fmt: skip
        assert "one line" in str(error["message"])
    created = client.post(
        "/services",
        json={"name": "New", "local_authorities": ["fife"], "organisation_name": "Two\nlines"},
        headers=COORDINATOR,
    )
    assert created.status_code == 422 and created.json()["error"]["field"] == "organisation_name"
    renamed = client.patch(
        f"/services/{service_id}", json={"name": "One line: Sgìre"}, headers=COORDINATOR
    )
    assert renamed.status_code == 200, renamed.text


def test_unknown_service_is_not_found(client: TestClient) -> None:
    response = client.patch("/services/nope", json={"name": "X"}, headers=COORDINATOR)
    assert response.status_code == 404


def test_a_change_to_the_same_values_raises_no_event(client: TestClient, engine: Engine) -> None:
    service = client.get("/services", params={"local_authority": "fife"}).json()["items"][0]
    response = client.patch(
        f"/services/{service['id']}",
        json={"name": service["name"], "courts": ["Kirkcaldy Sheriff Court", "dunfermline"]},
        headers=COORDINATOR,
    )
    assert response.status_code == 200
    assert _outbox(engine) == []


def test_coordinator_may_change_any_area(client: TestClient, engine: Engine) -> None:
    service_id = _service_id(client, "glasgow-city")
    response = client.patch(
        f"/services/{service_id}",
        json={"status": "temporarily closed", "courts": ["Glasgow Sheriff Court", "paisley"]},
        headers=COORDINATOR,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "temporarily closed"
    assert response.json()["courts"] == ["Glasgow Sheriff Court", "Paisley Sheriff Court"]
    [message] = _outbox(engine)
    assert set(json.loads(message.payload)["data"]["changes"]) == {"status", "courts"}


def test_editor_cannot_move_an_entry_into_another_area(client: TestClient, engine: Engine) -> None:
    service_id = _service_id(client, "fife")
    body = {"local_authorities": ["fife", "glasgow-city"]}
    error = _refused_and_nothing_written(client, engine, service_id, body, FIFE_EDITOR)
    assert (error["status"], error["code"]) == (403, "FORBIDDEN")


def test_concurrent_changes_each_keep_their_own_history(client: TestClient, engine: Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    service_id = _service_id(client, "fife")
    numbers = [f"01592 10000{n}" for n in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(
            pool.map(
                lambda n: client.patch(
                    f"/services/{service_id}", json={"phone": n}, headers=COORDINATOR
                ),
                numbers,
            )
        )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    history = [row for row in _history(engine, service_id) if row.field == "phone"]
    chain = [
        (json.loads(h.old_value or "null"), json.loads(h.new_value or "null")) for h in history
    ]
    # Each change starts from the value the previous one left: no lost update.
    assert all(chain[i][1] == chain[i + 1][0] for i in range(len(chain) - 1))
    assert len(_outbox(engine)) == len(chain) == 4
