"""Reading the seeded plan: health, aims, organisations and deliverables with every filter."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_answers_ok(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def test_aims_carry_their_priority_actions(client: TestClient) -> None:
    aims = client.get("/aims").json()
    assert [aim["number"] for aim in aims] == [1, 2, 3, 4]
    actions = {aim["number"]: [pa["number"] for pa in aim["priority_actions"]] for aim in aims}
    assert actions == {1: [1, 2], 2: [3, 4, 5, 6], 3: [7, 8, 9, 10], 4: [11, 12, 13]}


def test_organisations_are_canonical_with_aliases(client: TestClient) -> None:
    organisations = {item["slug"]: item for item in client.get("/organisations").json()}
    assert "CJS" in organisations["community-justice-scotland"]["aliases"]
    assert "the Crown" in organisations["copfs"]["aliases"]
    assert organisations["scottish-government"]["name"] == "Scottish Government"


def test_deliverable_40_is_led_by_the_government_and_cjs(client: TestClient) -> None:
    body = client.get("/deliverables/40").json()
    assert [lead["slug"] for lead in body["lead_partners"]] == [
        "scottish-government",
        "community-justice-scotland",
    ]
    assert (body["aim"], body["priority_action"], body["status"]) == (4, 13, "in_progress")
    assert body["status_label"] == "In progress"
    assert body["due_date"] == "2024-06-30"


def test_unknown_deliverable_is_not_found(client: TestClient) -> None:
    response = client.get("/deliverables/51")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def _numbers(client: TestClient, query: str) -> tuple[list[int], int]:
    body = client.get(f"/deliverables?{query}").json()
    return [item["number"] for item in body["items"]], body["total"]


def test_filters_select_the_right_deliverables(client: TestClient) -> None:
    assert _numbers(client, "lead_partner=sps&limit=50") == ([22, 24, 28], 3)
    assert _numbers(client, "status=in_progress_revised")[0] == [8, 9, 26, 28, 31, 38, 39]
    assert _numbers(client, "priority_action=3")[0] == [8, 9, 10, 43]
    assert _numbers(client, "aim=1")[0] == [1, 2, 3, 4, 5, 6, 7, 42]
    assert _numbers(client, "numbers=40,8,3")[0] == [3, 8, 40]
    assert _numbers(client, "collaborator=alacho")[0] == [25, 26, 27]
    assert _numbers(client, "status=outstanding&lead_partner=police-scotland")[0] == [4, 6]


def test_pages_report_the_total(client: TestClient) -> None:
    numbers, total = _numbers(client, "limit=5&offset=10")
    assert numbers == [11, 12, 13, 14, 15]
    assert total == 50


def test_search_finds_words_in_titles(client: TestClient) -> None:
    numbers, _ = _numbers(client, "q=SHORE housing")
    assert numbers == [26]
    assert _numbers(client, "q=bail")[0] == [8, 9, 43]


def test_invalid_filter_value_is_bad_user_input(client: TestClient) -> None:
    response = client.get("/deliverables?status=finished")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"
