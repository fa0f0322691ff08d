"""Reading the seeded plan: health, aims, organisations and deliverables with every filter."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_answers_ok(reader: TestClient) -> None:
    assert reader.get("/health").json() == {"status": "ok"}


def test_aims_carry_their_priority_actions(reader: TestClient) -> None:
    aims = reader.get("/aims").json()
    assert [aim["number"] for aim in aims] == [1, 2, 3, 4]
    actions = {aim["number"]: [pa["number"] for pa in aim["priority_actions"]] for aim in aims}
    assert actions == {1: [1, 2], 2: [3, 4, 5, 6], 3: [7, 8, 9, 10], 4: [11, 12, 13]}


def test_organisations_are_canonical_with_aliases(reader: TestClient) -> None:
    organisations = {item["slug"]: item for item in reader.get("/organisations").json()}
    assert "CJS" in organisations["community-justice-scotland"]["aliases"]
    assert "the Crown" in organisations["copfs"]["aliases"]
    assert organisations["scottish-government"]["name"] == "Scottish Government"


def test_deliverable_40_is_led_by_the_government_and_cjs(reader: TestClient) -> None:
    body = reader.get("/deliverables/40").json()
    assert [lead["slug"] for lead in body["lead_partners"]] == [
        "scottish-government",
        "community-justice-scotland",
    ]
    assert (body["aim"], body["priority_action"], body["status"]) == (4, 13, "in_progress")
    assert body["status_label"] == "In progress"
    assert body["due_date"] == "2024-06-30"


def test_unknown_deliverable_is_not_found(reader: TestClient) -> None:
    response = reader.get("/deliverables/51")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def _numbers(client: TestClient, query: str) -> tuple[list[int], int]:
    body = client.get(f"/deliverables?{query}").json()
    return [item["number"] for item in body["items"]], body["total"]


def test_filters_select_the_right_deliverables(reader: TestClient) -> None:
    assert _numbers(reader, "lead_partner=sps&limit=50") == ([22, 24, 28], 3)
    assert _numbers(reader, "status=in_progress_revised")[0] == [8, 9, 26, 28, 31, 38, 39]
    assert _numbers(reader, "priority_action=3")[0] == [8, 9, 10, 43]
    assert _numbers(reader, "aim=1")[0] == [1, 2, 3, 4, 5, 6, 7, 42]
    assert _numbers(reader, "numbers=40,8,3")[0] == [3, 8, 40]
    assert _numbers(reader, "collaborator=alacho")[0] == [25, 26, 27]
    assert _numbers(reader, "status=outstanding&lead_partner=police-scotland")[0] == [4, 6]


def test_pages_report_the_total(reader: TestClient) -> None:
    numbers, total = _numbers(reader, "limit=5&offset=10")
    assert numbers == [11, 12, 13, 14, 15]
    assert total == 50


def test_search_finds_words_in_titles(reader: TestClient) -> None:
    numbers, _ = _numbers(reader, "q=SHORE housing")
    assert numbers == [26]
    assert _numbers(reader, "q=bail")[0] == [8, 9, 43]


def test_invalid_filter_value_is_bad_user_input(reader: TestClient) -> None:
    response = reader.get("/deliverables?status=finished")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"
