"""Several deliverables' histories in one call, read in a constant number of SQL queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from services.deliverables.tests.conftest import COORDINATOR, SG_EDITOR
from services.deliverables.tests.test_rounds import ROUND_3, UPDATE_40


@contextmanager
def _counting_statements(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_batch_gives_each_history_as_the_single_read_does(client: TestClient) -> None:
    client.post("/rounds", json=ROUND_3, headers=COORDINATOR)
    client.put("/rounds/3/deliverables/40", json=UPDATE_40, headers=SG_EDITOR)
    response = client.get("/deliverables/history?numbers=40,8,999,8")
    assert response.status_code == 200, response.text
    batch = response.json()
    assert [item["number"] for item in batch] == [8, 40]  # number order; unknown 999 left out
    for item in batch:
        assert item == client.get(f"/deliverables/{item['number']}/history").json()
    forty = batch[1]
    assert [(r["round"], r["new_timescale"]) for r in forty["revisions"]] == [(3, "March 2025")]
    assert [c["new_status"] for c in forty["status_changes"]] == ["in_progress_revised"]
    assert [r["round"] for r in forty["rounds"]] == [2, 3]
    assert batch[0]["revisions"][0]["new_timescale"] == "June 2024"  # revised in update 1


def test_fifty_histories_cost_the_same_queries_as_one(client: TestClient, engine: Engine) -> None:
    with _counting_statements(engine) as one:
        assert len(client.get("/deliverables/history?numbers=40").json()) == 1
    with _counting_statements(engine) as fifty:
        every = ",".join(str(n) for n in range(1, 51))
        assert len(client.get(f"/deliverables/history?numbers={every}").json()) == 50
    assert len(fifty) == len(one) == 4


def test_a_batch_of_unknown_numbers_is_empty_and_bad_lists_are_refused(
    client: TestClient,
) -> None:
    assert client.get("/deliverables/history?numbers=77,78").json() == []
    bad = client.get("/deliverables/history?numbers=1,two")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "numbers"
    too_many = ",".join(str(n) for n in range(1, 502))
    assert client.get(f"/deliverables/history?numbers={too_many}").status_code == 422
    assert client.get("/deliverables/history").status_code == 422
    assert client.get("/deliverables/51/history").status_code == 404
