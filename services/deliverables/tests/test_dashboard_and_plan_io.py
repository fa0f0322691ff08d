# ruff: noqa: RUF001  (the published documents use en dashes)
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
    assert (imported.json()["round_number"], imported.json()["added"]) == (2, [])  # seeded
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


NEW_51 = (
    "In progress\n\nNo 51\n\nDeliverable\n\nPilot a shared referral record.\n\n"
    "Timescale\n\nMarch 2026\n\nResponsibility\n\nLead partner - Scottish Government\n\n"
    "Status\n\nIn progress\n\nPriority Action 12:"
)


def test_an_import_names_the_deliverables_it_added(client: TestClient, seed_document: str) -> None:
    later = seed_document.replace(
        "delivery plan update 2 – March 2024", "delivery plan update 3 – December 2024"
    ).replace("In progress\n\nPriority Action 12:", NEW_51, 1)
    imported = client.post("/plan/import", json={"document": later}, headers=COORDINATOR)
    assert imported.status_code == 200, imported.text
    assert imported.json()["added"] == [51]
    assert 51 in imported.json()["changed"]
    assert client.get("/deliverables/51").json()["priority_action"] == 11
    again = client.post("/plan/import", json={"document": later}, headers=COORDINATOR)
    assert (again.json()["added"], again.json()["changed"]) == ([], [])


def test_a_dry_run_reports_what_an_import_would_do_and_keeps_nothing(
    client: TestClient, seed_document: str
) -> None:
    later = seed_document.replace(
        "delivery plan update 2 – March 2024", "delivery plan update 3 – December 2024"
    ).replace("In progress\n\nPriority Action 12:", NEW_51, 1)
    body = {"document": later, "dry_run": True}
    preview = client.post("/plan/import", json=body, headers=COORDINATOR)
    assert preview.status_code == 200, preview.text
    assert (preview.json()["added"], preview.json()["dry_run"]) == ([51], True)
    assert client.get("/deliverables/51").status_code == 404
    assert [r["number"] for r in client.get("/rounds").json() if r["number"] == 3] == []
    imported = client.post("/plan/import", json={"document": later}, headers=COORDINATOR)
    assert imported.json()["added"] == preview.json()["added"]
    assert imported.json()["changed"] == preview.json()["changed"]
