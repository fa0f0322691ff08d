"""Who may change what: every mutation against every role, checked at the gateway."""

from __future__ import annotations

from typing import Any

import pytest

from services.gateway.tests.conftest import FakeServices, GraphQLClient, error_codes

ROLES = {
    "public": None,
    "judiciary": "sheriff@cjp.test",
    "police_editor": "police.editor@cjp.test",
    "sg_editor": "sg.editor@cjp.test",
    "fife_editor": "fife.editor@cjp.test",
    "glasgow_editor": "glasgow.editor@cjp.test",
    "coordinator": "coordinator@cjp.test",
}
# Deliverable 25 is led by Police Scotland; deliverable 5 by the Scottish Government.
# Service 1 is in Fife; service 4 in Glasgow City.
STATUS = "mutation($n: Int!) { updateDeliverableStatus(number: $n, status: COMPLETE) { status } }"
SERVICE = 'mutation($id: ID!) { updateService(id: $id, input: {phone: "0100"}) { id } }'
SUBMIT = (
    "mutation($n: Int!) { submitDeliverableUpdate(round: 3, number: $n, input: "
    '{status: IN_PROGRESS, narrative: "On track"}) { status } }'
)
REVISE = (
    'mutation($n: Int!) { reviseTimescale(number: $n, timescale: "June 2027", '
    'reason: "Funding moved") { timescale } }'
)
OPEN_ROUND = 'mutation { openReportingRound(name: "Update 4") { number state } }'
PUBLISH = "mutation { publishRound(number: 3) { state } }"
IMPORT = 'mutation { importPlan(document: "Update 2") { added changed unchanged } }'


def _only(*allowed: str) -> dict[str, str | None]:
    """Public callers must sign in; the roles named may; everyone else is refused."""
    return {
        role: "UNAUTHENTICATED" if role == "public" else None if role in allowed else "FORBIDDEN"
        for role in ROLES
    }


# expected outcome per (mutation, target) and role: None means allowed.
TABLE: list[tuple[str, str, dict[str, Any], dict[str, str | None]]] = [
    (
        "deliverable 25",
        STATUS,
        {"n": 25},
        {
            "public": "UNAUTHENTICATED",
            "judiciary": "FORBIDDEN",
            "police_editor": None,
            "sg_editor": "FORBIDDEN",
            "fife_editor": "FORBIDDEN",
            "glasgow_editor": "FORBIDDEN",
            "coordinator": None,
        },
    ),
    (
        "deliverable 5",
        STATUS,
        {"n": 5},
        {
            "public": "UNAUTHENTICATED",
            "judiciary": "FORBIDDEN",
            "police_editor": "FORBIDDEN",
            "sg_editor": None,
            "fife_editor": "FORBIDDEN",
            "glasgow_editor": "FORBIDDEN",
            "coordinator": None,
        },
    ),
    (
        "service 1 (fife)",
        SERVICE,
        {"id": "1"},
        {
            "public": "UNAUTHENTICATED",
            "judiciary": "FORBIDDEN",
            "police_editor": "FORBIDDEN",
            "sg_editor": "FORBIDDEN",
            "fife_editor": None,
            "glasgow_editor": "FORBIDDEN",
            "coordinator": None,
        },
    ),
    (
        "service 4 (glasgow)",
        SERVICE,
        {"id": "4"},
        {
            "public": "UNAUTHENTICATED",
            "judiciary": "FORBIDDEN",
            "police_editor": "FORBIDDEN",
            "sg_editor": "FORBIDDEN",
            "fife_editor": "FORBIDDEN",
            "glasgow_editor": None,
            "coordinator": None,
        },
    ),
]
TABLE += [
    ("submit update 25", SUBMIT, {"n": 25}, _only("police_editor", "coordinator")),
    ("submit update 5", SUBMIT, {"n": 5}, _only("sg_editor", "coordinator")),
    ("revise timescale 25", REVISE, {"n": 25}, _only("police_editor", "coordinator")),
    ("revise timescale 5", REVISE, {"n": 5}, _only("sg_editor", "coordinator")),
    ("open round", OPEN_ROUND, {}, _only("coordinator")),
    ("publish round", PUBLISH, {}, _only("coordinator")),
    ("import plan", IMPORT, {}, _only("coordinator")),
]
CASES = [
    pytest.param(mutation, variables, role, outcome, id=f"{target}-{role}")
    for target, mutation, variables, outcomes in TABLE
    for role, outcome in outcomes.items()
]


@pytest.mark.parametrize(("mutation", "variables", "role", "expected"), CASES)
async def test_each_role_may_or_may_not_run_each_mutation(
    graphql: GraphQLClient,
    fakes: FakeServices,
    mutation: str,
    variables: dict[str, Any],
    role: str,
    expected: str | None,
) -> None:
    result = await graphql.run(mutation, variables, as_user=ROLES[role])
    writes = fakes.deliverables.writes + fakes.directory.writes
    if expected is None:
        assert "errors" not in result, result
        assert len(writes) == 1
        # the service saw the caller's identity, signed by the gateway
        seen = set(fakes.deliverables.identities + fakes.directory.identities)
        assert seen == {ROLES[role]}
    else:
        assert error_codes(result) == [expected]
        assert writes == [], "a refused change must never reach the service"


async def test_typed_error_mutation_returns_a_user_error_instead_of_raising(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(
        """mutation { changeDeliverableStatus(number: 25, status: OUTSTANDING) {
             __typename ... on UserError { code message } ... on Deliverable { status } } }""",
        as_user="sg.editor@cjp.test",
    )
    outcome = result["data"]["changeDeliverableStatus"]
    assert outcome["__typename"] == "UserError" and outcome["code"] == "FORBIDDEN"
    assert "lead partners" in outcome["message"]
    allowed = await graphql.run(
        """mutation { changeDeliverableStatus(number: 25, status: OUTSTANDING) {
             __typename ... on Deliverable { status statusLabel } } }""",
        as_user="police.editor@cjp.test",
    )
    assert allowed["data"]["changeDeliverableStatus"] == {
        "__typename": "Deliverable",
        "status": "OUTSTANDING",
        "statusLabel": "Outstanding",
    }


async def test_unknown_deliverable_is_not_found_and_nothing_is_written(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(STATUS, {"n": 999}, as_user="coordinator@cjp.test")
    assert error_codes(result) == ["NOT_FOUND"]
    invalid = await graphql.run(
        "mutation { updateDeliverableStatus(number: 1, status: DONE) { status } }",
        as_user="coordinator@cjp.test",
    )
    assert error_codes(invalid) == ["BAD_USER_INPUT"]
    as_variable = await graphql.run(
        "mutation($s: DeliverableStatus!) { updateDeliverableStatus(number: 1, status: $s) "
        "{ status } }",
        {"s": "FINISHED"},
        as_user="coordinator@cjp.test",
    )
    assert error_codes(as_variable) == ["BAD_USER_INPUT"]
    assert "FINISHED" in as_variable["errors"][0]["message"]
    assert fakes.deliverables.writes == []


async def test_an_empty_service_update_is_bad_user_input(graphql: GraphQLClient) -> None:
    result = await graphql.run(
        'mutation { updateService(id: "1", input: {}) { id } }', as_user="coordinator@cjp.test"
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
