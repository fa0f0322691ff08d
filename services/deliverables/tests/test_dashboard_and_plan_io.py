"""Counts by status per aim, and coordinator-only import and export over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.deliverables.tests.conftest import COORDINATOR, SG_EDITOR


def test_status_counts_per_aim_match_the_filtered_lists(reader: TestClient) -> None:
    counts = reader.get("/status-counts").json()
    assert [row["aim"] for row in counts] == [1, 2, 3, 4]
    assert sum(row["total"] for row in counts) == 50
    for row in counts:
        for status in ("complete", "in_progress", "in_progress_revised", "outstanding"):
            listed = reader.get(f"/deliverables?aim={row['aim']}&status={status}").json()
            assert row[status] == listed["total"], (row["aim"], status)
        overdue = reader.get(f"/deliverables?aim={row['aim']}&overdue=true").json()
        assert row["overdue"] == overdue["total"]


def test_overdue_and_due_before_filters(reader: TestClient) -> None:
    due = reader.get("/deliverables?due_before=2024-01-01&limit=100").json()["items"]
    assert {item["number"] for item in due} >= {2, 5, 36}
    assert all(item["due_date"] < "2024-01-01" for item in due)
    late = reader.get("/deliverables?overdue=true&limit=100").json()["items"]
    assert all(item["overdue"] and item["status"] != "complete" for item in late)


def test_import_and_export_are_for_coordinators_and_report_bad_lines(
    client: TestClient, seed_document: str
) -> None:
    assert (
        client.post("/plan/import", json={"document": seed_document}, headers=SG_EDITOR).status_code
        == 403
    )
    assert client.get("/plan/export?round=2&format=md", headers=SG_EDITOR).status_code == 403
    imported = client.post("/plan/import", json={"document": seed_document}, headers=COORDINATOR)
    assert imported.status_code == 200, imported.text
    assert imported.json()["round_number"] == 2
    assert client.get("/deliverables/2").json()["latest_update"].startswith("Members of the")
    exported = client.get("/plan/export?round=2&format=md", headers=COORDINATOR)
    assert exported.headers["content-type"].startswith("text/markdown")
    assert "#### No 40" in exported.text
    assert client.get("/plan/export?round=7&format=csv", headers=COORDINATOR).status_code == 404
    unreadable = (
        "Community justice delivery plan update 4\n\nAim 1: A\n\nPriority Action 1: B\n\n"
        "No 1\n\nOops\n"
    )
    response = client.post("/plan/import", json={"document": unreadable}, headers=COORDINATOR)
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("line 9: expected a label")
    assert client.get("/rounds/4").status_code == 404
