"""A reporting round, a plan import and a directory search through the gateway, on REAL services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import seed_edition_text
from services.gateway.tests.conftest import FakeServices, GatewayFactory, GraphQLClient, error_codes
from services.gateway.tests.real_services import plan_service, real_services

COORDINATOR = "coordinator@cjp.test"
POLICE = "police.editor@cjp.test"  # Police Scotland co-leads deliverable 42
OUTSIDER = "cjs.editor@cjp.test"
NUMBER = 42
SUBMIT = """mutation($r: Int!, $n: Int!, $i: DeliverableUpdateInput!) {
  submitDeliverableUpdate(round: $r, number: $n, input: $i) { number status timescale latestUpdate }
}"""
REVISED = {
    "status": "IN_PROGRESS_REVISED",
    "narrative": "Pilot running in two divisions; national roll-out follows the evaluation.",
    "newTimescale": "March 2027",
    "reason": "The evaluation was extended by a year.",
}


@pytest.fixture(scope="module")
async def real(
    start_gateway: GatewayFactory, fakes: FakeServices, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphQLClient]:
    async with real_services(tmp_path_factory.mktemp("rounds")) as urls:
        url = await start_gateway(deliverables_url=urls.deliverables, directory_url=urls.directory)
        async with httpx.AsyncClient(timeout=20) as http:
            yield GraphQLClient(http, url)


async def _data(
    client: GraphQLClient, query: str, user: str | None = None, **variables: Any
) -> Any:
    result = await client.run(query, variables, as_user=user)
    assert "errors" not in result, result
    return result["data"]


async def test_a_round_is_opened_reported_reviewed_published_and_frozen(
    real: GraphQLClient,
) -> None:
    opened = await _data(
        real,
        'mutation { openReportingRound(name: "Update 3 - September 2024", '
        'periodCovered: "April to September 2024") { number state publishedAt } }',
        COORDINATOR,
    )
    round_number = opened["openReportingRound"]["number"]
    assert opened["openReportingRound"] == {
        "number": round_number, "state": "open", "publishedAt": None
    }  # fmt: skip
    again = await real.run('mutation { openReportingRound(name: "Another") { number } }',
                           as_user=COORDINATOR)  # fmt: skip
    assert error_codes(again) == ["CONFLICT"]
    assert (await _data(real, "{ openRound { number } }"))["openRound"]["number"] == round_number

    variables = {"r": round_number, "n": NUMBER, "i": REVISED}
    refused = await real.run(SUBMIT, variables, as_user=OUTSIDER)
    assert error_codes(refused) == ["FORBIDDEN"]
    missing_reason = {**variables, "i": {**REVISED, "reason": None}}
    unexplained = await real.run(SUBMIT, missing_reason, as_user=POLICE)
    assert error_codes(unexplained) == ["BAD_USER_INPUT"]
    submitted = await _data(real, SUBMIT, POLICE, **variables)
    assert submitted["submitDeliverableUpdate"] == {
        "number": NUMBER, "status": "IN_PROGRESS_REVISED", "timescale": "March 2027",
        "latestUpdate": REVISED["narrative"],
    }  # fmt: skip

    await _review_then_publish(real, round_number)
    frozen = await real.run(SUBMIT, variables, as_user=POLICE)
    assert error_codes(frozen) == ["CONFLICT"]
    republished = await real.run(
        "mutation($n: Int!) { publishRound(number: $n) { state } }", {"n": round_number},
        as_user=COORDINATOR,
    )  # fmt: skip
    assert error_codes(republished) == ["CONFLICT"]

    exported = await _data(
        real, "query($r: Int!) { exportPlan(round: $r, format: MARKDOWN) }", COORDINATOR,
        r=round_number,
    )  # fmt: skip
    document = exported["exportPlan"]
    assert f"#### No {NUMBER}" in document and REVISED["narrative"] in document
    assert "March 2027" in document
    await _history_shows_the_change(real, round_number)


async def _review_then_publish(real: GraphQLClient, round_number: int) -> None:
    review = "query($r: Int!) { round(number: $r) { name review { missingUpdates overdue } } }"
    hidden = await real.run(review, {"r": round_number}, as_user=POLICE)
    assert error_codes(hidden) == ["FORBIDDEN"]
    assert hidden["data"]["round"]["review"] is None
    checked = (await _data(real, review, COORDINATOR, r=round_number))["round"]
    assert checked["name"] == "Update 3 - September 2024"
    assert NUMBER not in checked["review"]["missingUpdates"]
    assert len(checked["review"]["missingUpdates"]) > 10  # no one else has reported yet
    published = await _data(
        real, "mutation($n: Int!) { publishRound(number: $n) { state publishedAt } }",
        COORDINATOR, n=round_number,
    )  # fmt: skip
    assert published["publishRound"]["state"] == "published"
    assert published["publishRound"]["publishedAt"]
    assert (await _data(real, "{ openRound { number } }"))["openRound"] is None


async def _history_shows_the_change(real: GraphQLClient, round_number: int) -> None:
    history = (
        await _data(
            real,
            "query($n: Int!) { deliverable(number: $n) { originalTimescale history { "
            "statusChanges { round oldStatus newStatus changedBy } "
            "timescaleRevisions { round oldTimescale newTimescale dueDate reason recordedBy } "
            "roundReports { round roundName status narrative submittedBy } } } }",
            n=NUMBER,
        )
    )["deliverable"]
    assert history["originalTimescale"] == "November 2024"
    changes = history["history"]["statusChanges"]
    assert changes[-1] == {
        "round": round_number, "oldStatus": "IN_PROGRESS", "newStatus": "IN_PROGRESS_REVISED",
        "changedBy": POLICE,
    }  # fmt: skip
    assert history["history"]["timescaleRevisions"][-1] == {
        "round": round_number, "oldTimescale": "November 2024", "newTimescale": "March 2027",
        "dueDate": "2027-03-31", "reason": REVISED["reason"], "recordedBy": POLICE,
    }  # fmt: skip
    report = history["history"]["roundReports"][-1]
    assert report["round"] == round_number and report["narrative"] == REVISED["narrative"]
    assert report["status"] == "IN_PROGRESS_REVISED" and report["submittedBy"] == POLICE


async def test_a_timescale_revision_needs_a_reason_and_a_lead_partner(real: GraphQLClient) -> None:
    revise = (
        'mutation($r: String!) { reviseTimescale(number: 4, timescale: "December 2026", '
        "reason: $r) { timescale status } }"
    )
    assert error_codes(await real.run(revise, {"r": "Late"}, as_user=OUTSIDER)) == ["FORBIDDEN"]
    blank = await real.run(revise, {"r": ""}, as_user=POLICE)
    assert error_codes(blank) == ["BAD_USER_INPUT"]
    assert blank["errors"][0]["extensions"]["field"] == "reason"
    revised = await _data(real, revise, POLICE, r="Waiting for new legislation.")
    assert revised["reviseTimescale"]["timescale"] == "December 2026"


async def test_dashboard_counts_and_full_text_filters(real: GraphQLClient) -> None:
    data = await _data(
        real,
        "{ statusCounts { aim title complete inProgress inProgressRevised outstanding overdue "
        'total } due: deliverables(filter: {dueBefore: "2024-12-01"}, first: 100) '
        "{ nodes { number dueDate } } partners: deliverables(filter: {collaborator: "
        '"police-scotland"}, first: 100) { nodes { collaborators { slug } } } }',
    )
    counts = data["statusCounts"]
    assert [row["aim"] for row in counts] == [1, 2, 3, 4]
    for row in counts:
        parts = ("complete", "inProgress", "inProgressRevised", "outstanding")
        assert sum(row[part] for part in parts) == row["total"]
    assert sum(row["total"] for row in counts) == 50
    due = data["due"]["nodes"]
    assert due and all(node["dueDate"] < "2024-12-01" for node in due)
    partners = data["partners"]["nodes"]
    assert partners
    assert all("police-scotland" in {c["slug"] for c in n["collaborators"]} for n in partners)


async def test_partner_editors_cannot_import_or_publish(real: GraphQLClient) -> None:
    for mutation in (
        'mutation { importPlan(document: "Update 9") { added } }',
        "mutation { publishRound(number: 2) { state } }",
        'mutation { openReportingRound(name: "Update 9") { number } }',
    ):
        assert error_codes(await real.run(mutation, as_user=POLICE)) == ["FORBIDDEN"]


async def test_a_typo_search_at_a_court_finds_the_service_with_facets(real: GraphQLClient) -> None:
    query = """query($court: String!) { services(filter: {search: "bial suprevison", court: $court})
      { totalCount correctedQuery nodes { name courts }
        facets { field values { value label count } } } }"""
    found = (await _data(real, query, court="kirkcaldy"))["services"]
    assert [node["name"] for node in found["nodes"]] == ["Sample: Fife Bail Supervision Service"]
    assert found["correctedQuery"] and "bail" in found["correctedQuery"]
    facets = {facet["field"]: facet["values"] for facet in found["facets"]}
    courts = {value["value"]: value["count"] for value in facets["court"]}
    # a facet counts its values without its own filter: Glasgow's bail service shows up there
    assert courts == {"dunfermline": 1, "glasgow": 1, "kirkcaldy": 1}
    assert all(value["label"] for value in facets["court"])
    assert facets["serviceType"] == [
        {"value": "bail-supervision", "label": "Bail supervision", "count": 1}
    ]
    glasgow = (await _data(real, query, court="Glasgow Sheriff Court"))["services"]
    assert [node["name"] for node in glasgow["nodes"]] == [
        "Sample: Glasgow Electronically Monitored Bail"
    ]


async def test_the_published_edition_imports_into_an_empty_plan(
    start_gateway: GatewayFactory, fakes: FakeServices, tmp_path: Path
) -> None:
    document = seed_edition_text()
    mutation = """mutation($d: String!) { importPlan(document: $d) {
      added changed unchanged summary roundNumber addedNumbers } }"""
    async with plan_service(tmp_path, seed_plan=False) as deliverables_url:
        url = await start_gateway(deliverables_url=deliverables_url)
        async with httpx.AsyncClient(timeout=30) as http:
            client = GraphQLClient(http, url)
            # ~66 KB is past the usual body limit: only a coordinator may send that much
            police = await client.token_for(POLICE)
            refused = await client.post(mutation, {"d": document}, token=police)
            assert refused.status_code == 413
            preview_of = mutation.replace("importPlan(document: $d)",
                                          "importPlan(document: $d, dryRun: true)")  # fmt: skip
            preview = (await _data(client, preview_of, COORDINATOR, d=document))["importPlan"]
            assert (preview["added"], preview["summary"][:10]) == (50, "Preview of")
            empty = await _data(client, "{ deliverables { totalCount } }")
            assert empty["deliverables"]["totalCount"] == 0
            first = (await _data(client, mutation, COORDINATOR, d=document))["importPlan"]
            assert first["added"] == 50 and first["changed"] == 0 and first["roundNumber"] == 2
            assert first["addedNumbers"] == list(range(1, 51))
            again = (await _data(client, mutation, COORDINATOR, d=document))["importPlan"]
            assert (again["added"], again["changed"], again["unchanged"]) == (0, 0, 50)
            assert again["addedNumbers"] == []
            plan = await _data(client, "{ deliverable(number: 25) { leadPartners { slug } } }")
            assert plan["deliverable"]["leadPartners"]


LATER_EDITION = (
    Path(__file__).resolve().parents[2]
    / "deliverables"
    / "tests"
    / "editions"
    / "update_3_inline.txt"
)


async def test_a_deliverables_whole_life_reads_through_the_gateway(
    start_gateway: GatewayFactory, fakes: FakeServices, tmp_path: Path
) -> None:
    """Opened, closed, what was added at closing and each round's narrative, from an import."""
    mutation = "mutation($d: String!) { importPlan(document: $d) { added roundNumber } }"
    query = """{ deliverable(number: 1) { title openedRound closedRound additionalInformation
      history { openedRound closedRound additionalInformation } }
      seven: deliverable(number: 7) { history { roundReports { round narrative } } } }"""
    async with plan_service(tmp_path, seed_plan=False) as deliverables_url:
        url = await start_gateway(deliverables_url=deliverables_url)
        async with httpx.AsyncClient(timeout=30) as http:
            client = GraphQLClient(http, url)
            document = LATER_EDITION.read_text(encoding="utf-8")
            imported = (await _data(client, mutation, COORDINATOR, d=document))["importPlan"]
            assert (imported["added"], imported["roundNumber"]) == (50, 3)
            found = await _data(client, query)
    first = found["deliverable"]
    words = "The guidance was published on time.\nIts use is reviewed every year"
    assert first["title"].startswith("Publish national guidance on direct measures")
    assert (first["openedRound"], first["closedRound"]) == (0, 1)
    assert first["additionalInformation"].startswith(words)
    assert first["history"]["additionalInformation"] == first["additionalInformation"]
    assert (first["history"]["openedRound"], first["history"]["closedRound"]) == (0, 1)
    assert found["seven"]["history"]["roundReports"] == [
        {
            "round": 3,
            "narrative": "Toolkits for justice settings were published in the summer.\n\n"
            "A second round of visits to prisons is planned for the spring.",
        }
    ]
