"""Who may change what: every mutation against every role, on the REAL services.

The gateway reads nothing before a write: the deliverables and directory services decide, and
their refusals come back as typed errors. A refusal must leave nothing written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.gateway.tests.conftest import FakeServices, GatewayFactory, GraphQLClient, error_codes
from services.gateway.tests.real_services import real_services

ROLES = {
    "public": None,
    "judiciary": "sheriff@cjp.test",
    "police_editor": "police.editor@cjp.test",
    "sg_editor": "sg.editor@cjp.test",
    "fife_editor": "fife.editor@cjp.test",
    "glasgow_editor": "glasgow.editor@cjp.test",
    "coordinator": "coordinator@cjp.test",
}
COORDINATOR = "coordinator@cjp.test"
STATUS = (
    "mutation($n: Int!, $r: String!) "
    "{ updateDeliverableStatus(number: $n, status: COMPLETE, reason: $r) { status } }"
)
SERVICE = "mutation($id: ID!, $r: String!) { updateService(id: $id, input: {phone: $r}) { id } }"
SUBMIT = (
    "mutation($round: Int!, $n: Int!, $r: String!) { submitDeliverableUpdate(round: $round, "
    "number: $n, input: {status: IN_PROGRESS, narrative: $r}) { status } }"
)
REVISE = (
    "mutation($n: Int!, $r: String!) { reviseTimescale(number: $n, timescale: $r, "
    'reason: "Funding moved") { timescale } }'
)
OPEN_ROUND = "mutation($r: String!) { openReportingRound(name: $r) { number state } }"
PUBLISH = "mutation($round: Int!) { publishRound(number: $round) { state } }"
IMPORT = "mutation($document: String!) { importPlan(document: $document) { unchanged } }"
# What a change leaves behind, read back to prove a refusal wrote nothing.
TRACE = """query($n: Int!, $id: ID!) {
  deliverable(number: $n) { status timescale latestUpdate
    history { statusChanges { newStatus } timescaleRevisions { newTimescale }
              roundReports { round } } }
  service(id: $id) { phone updatedAt }
  rounds { number state }
}"""
TIMESCALES = {role: f"{month} 2031" for role, month in zip(ROLES, ("January", "February",
              "March", "April", "May", "June", "July"), strict=True)}  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """Targets found in the seeded services, so the table does not guess at the seed."""

    police_deliverable: int
    sg_deliverable: int
    fife_service: str
    glasgow_service: str
    open_round: int
    edition: str


def _only(*allowed: str) -> dict[str, str | None]:
    """Public callers must sign in; the roles named may; everyone else is refused."""
    return {
        role: "UNAUTHENTICATED" if role == "public" else None if role in allowed else "FORBIDDEN"
        for role in ROLES
    }


# (target, mutation, variable names from Plan, outcome per role: None means allowed)
TABLE: list[tuple[str, str, dict[str, str], dict[str, str | None]]] = [
    ("police deliverable", STATUS, {"n": "police_deliverable"},
     _only("police_editor", "coordinator")),
    ("sg deliverable", STATUS, {"n": "sg_deliverable"}, _only("sg_editor", "coordinator")),
    ("fife service", SERVICE, {"id": "fife_service"}, _only("fife_editor", "coordinator")),
    ("glasgow service", SERVICE, {"id": "glasgow_service"}, _only("glasgow_editor", "coordinator")),
    ("submit police", SUBMIT, {"n": "police_deliverable", "round": "open_round"},
     _only("police_editor", "coordinator")),
    ("submit sg", SUBMIT, {"n": "sg_deliverable", "round": "open_round"},
     _only("sg_editor", "coordinator")),
    ("revise police", REVISE, {"n": "police_deliverable"}, _only("police_editor", "coordinator")),
    ("revise sg", REVISE, {"n": "sg_deliverable"}, _only("sg_editor", "coordinator")),
    # A coordinator gets past the permission; the service then refuses an edition older than the
    # round open now: its 409 arrives as CONFLICT.
    ("import plan", IMPORT, {"document": "edition"}, {**_only(), "coordinator": "CONFLICT"}),
    ("publish round", PUBLISH, {"round": "open_round"}, _only("coordinator")),
    ("open round", OPEN_ROUND, {}, _only("coordinator")),
]  # fmt: skip
CASES = [
    pytest.param(mutation, names, role, outcome, id=f"{target}-{role}")
    for target, mutation, names, outcomes in TABLE
    for role, outcome in outcomes.items()
]


@pytest.fixture(scope="module")
async def real(
    start_gateway: GatewayFactory, fakes: FakeServices, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphQLClient]:
    async with real_services(tmp_path_factory.mktemp("permissions")) as urls:
        url = await start_gateway(deliverables_url=urls.deliverables, directory_url=urls.directory)
        async with httpx.AsyncClient(timeout=30) as http:
            yield GraphQLClient(http, url)


@pytest.fixture(scope="module")
async def plan(real: GraphQLClient) -> Plan:
    found = await _data(
        real,
        "query { deliverables(first: 100) { nodes { number leadPartners { slug } } } "
        "services(first: 100) { nodes { id localAuthorities } } rounds { number state } }",
        COORDINATOR,
    )
    leads = {
        d["number"]: {p["slug"] for p in d["leadPartners"]} for d in _nodes(found, "deliverables")
    }
    areas = {s["id"]: set(s["localAuthorities"]) for s in _nodes(found, "services")}
    published = max(r["number"] for r in found["rounds"] if r["state"] == "published")
    edition = await _data(
        real,
        "query($r: Int!) { exportPlan(round: $r, format: MARKDOWN) }",
        COORDINATOR,
        r=published,
    )
    opened = await _data(real, OPEN_ROUND, COORDINATOR, r="Update for the permission table")
    return Plan(
        police_deliverable=min(n for n, s in leads.items() if s == {"police-scotland"}),
        sg_deliverable=min(n for n, s in leads.items() if s == {"scottish-government"}),
        fife_service=next(i for i, a in areas.items() if a == {"fife"}),
        glasgow_service=next(i for i, a in areas.items() if a == {"glasgow-city"}),
        open_round=opened["openReportingRound"]["number"],
        edition=edition["exportPlan"],
    )


@pytest.mark.parametrize(("mutation", "names", "role", "expected"), CASES)
async def test_each_role_may_or_may_not_run_each_mutation(
    real: GraphQLClient,
    plan: Plan,
    mutation: str,
    names: dict[str, str],
    role: str,
    expected: str | None,
) -> None:
    variables: dict[str, Any] = {name: getattr(plan, field) for name, field in names.items()}
    if "$r:" in mutation:
        variables["r"] = TIMESCALES[role] if mutation is REVISE else f"0100 {role}"
    watched = _watched(plan, names)
    before = await _data(real, TRACE, COORDINATOR, **watched)
    result = await real.run(mutation, variables, as_user=ROLES[role])
    if expected is None:
        assert "errors" not in result, result
    else:
        assert error_codes(result) == [expected], result
        after = await _data(real, TRACE, COORDINATOR, **watched)
        assert after == before, "a refused change must leave nothing written"


async def test_the_deprecated_twin_returns_the_services_refusal_as_a_user_error(
    real: GraphQLClient, plan: Plan
) -> None:
    twin = """mutation($n: Int!) { changeDeliverableStatus(number: $n, status: OUTSTANDING) {
        __typename ... on UserError { code message } ... on Deliverable { status } } }"""
    refused = await real.run(twin, {"n": plan.police_deliverable}, as_user=ROLES["sg_editor"])
    outcome = refused["data"]["changeDeliverableStatus"]
    assert outcome["__typename"] == "UserError" and outcome["code"] == "FORBIDDEN"
    assert "lead partner" in outcome["message"]
    allowed = await real.run(twin, {"n": plan.police_deliverable}, as_user=ROLES["police_editor"])
    assert allowed["data"]["changeDeliverableStatus"] == {
        "__typename": "Deliverable",
        "status": "OUTSTANDING",
    }


async def test_an_unknown_deliverable_is_not_found_in_one_call(
    real: GraphQLClient, fakes: FakeServices
) -> None:
    result = await real.run(STATUS, {"n": 999, "r": "none"}, as_user=COORDINATOR)
    assert error_codes(result) == ["NOT_FOUND"]


async def test_a_write_costs_one_call_and_nothing_is_read_first(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(STATUS, {"n": 25, "r": "Done"}, as_user=COORDINATOR)
    assert "errors" not in result, result
    assert fakes.deliverables.requests == [("POST", "/deliverables/25/status", "")]


async def test_an_invalid_status_is_bad_user_input_before_any_call(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    invalid = await graphql.run(
        "mutation { updateDeliverableStatus(number: 1, status: DONE) { status } }",
        as_user=COORDINATOR,
    )
    assert error_codes(invalid) == ["BAD_USER_INPUT"]
    as_variable = await graphql.run(
        "mutation($s: DeliverableStatus!) { updateDeliverableStatus(number: 1, status: $s) "
        "{ status } }",
        {"s": "FINISHED"},
        as_user=COORDINATOR,
    )
    assert error_codes(as_variable) == ["BAD_USER_INPUT"]
    assert "FINISHED" in as_variable["errors"][0]["message"]
    assert fakes.deliverables.writes == []


async def test_an_empty_service_update_is_bad_user_input(graphql: GraphQLClient) -> None:
    result = await graphql.run(
        'mutation { updateService(id: "1", input: {}) { id } }', as_user=COORDINATOR
    )
    assert error_codes(result) == ["BAD_USER_INPUT"]


async def test_subscribing_forwards_the_target_and_bad_tokens_are_bad_user_input(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(
        """mutation { subscribe(input: {email: "a@example.org", targetKind: DELIVERABLE,
             targetValue: "40"}) { status } }"""
    )
    assert result["data"]["subscribe"]["status"] == "pending_confirmation"
    assert fakes.notifications.writes == [
        (
            "subscription",
            {
                "email": "a@example.org",
                "target": {"kind": "deliverable", "value": "40"},
                "frequency": "immediately",
            },
        )
    ]
    confirm = "mutation($t: String!) { confirmSubscription(token: $t) { status } }"
    assert (await graphql.run(confirm, {"t": "good-token"}))["data"]["confirmSubscription"] == {
        "status": "confirmed"
    }
    bad = await graphql.run(confirm, {"t": "stale"})
    assert error_codes(bad) == ["BAD_USER_INPUT"]
    assert bad["errors"][0]["message"] == "That link has expired."


def _watched(plan: Plan, names: dict[str, str]) -> dict[str, Any]:
    """The deliverable and the service a case could change, to read back around it."""
    targets = set(names.values())
    police = "police_deliverable" in targets
    fife = "fife_service" in targets
    return {
        "n": plan.police_deliverable if police else plan.sg_deliverable,
        "id": plan.fife_service if fife else plan.glasgow_service,
    }


def _nodes(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = data[name]["nodes"]
    return nodes


async def _data(client: GraphQLClient, query: str, user: str, **variables: Any) -> Any:
    result = await client.run(query, variables, as_user=user)
    assert "errors" not in result, result
    return result["data"]
