"""Coordinator-only reads, large imports and directory facets, against the fake services."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from services.gateway.tests.conftest import FakeServices, GraphQLClient, error_codes
from services.gateway.tests.test_permissions import ROLES

EXPORT = "query { exportPlan(round: 3, format: HTML) }"
REVIEW = "query { round(number: 3) { name review { missingUpdates overdue } } }"


@pytest.mark.parametrize("role", list(ROLES))
async def test_only_a_coordinator_exports_the_plan_or_reviews_a_round(
    graphql: GraphQLClient, fakes: FakeServices, role: str
) -> None:
    exported = await graphql.run(EXPORT, as_user=ROLES[role])
    reviewed = await graphql.run(REVIEW, as_user=ROLES[role])
    if role == "coordinator":
        assert exported["data"]["exportPlan"] == "# Update 3 (html)\n\n#### No 1\n"
        assert reviewed["data"]["round"]["review"] == {"missingUpdates": [1, 2], "overdue": [2]}
        return
    refusal = "UNAUTHENTICATED" if role == "public" else "FORBIDDEN"
    assert error_codes(exported) == [refusal] and exported["data"]["exportPlan"] is None
    # the round itself is public; only its review is withheld
    assert error_codes(reviewed) == [refusal]
    assert reviewed["data"]["round"] == {"name": "Update 3", "review": None}
    # the service decides, in the one call each read makes; nothing is checked twice
    assert fakes.deliverables.count("/plan/export") == 1
    assert fakes.deliverables.count("/rounds/3/review") == 1


async def test_rounds_round_and_open_round_share_one_call(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(
        "query { rounds { number state } round(number: 3) { name } missing: round(number: 9) "
        "{ name } openRound { number openedAt publishedAt } }"
    )
    assert result["data"] == {
        "rounds": [{"number": 3, "state": "open"}],
        "round": {"name": "Update 3"},
        "missing": None,
        "openRound": {"number": 3, "openedAt": "2026-04-01T09:00:00+00:00", "publishedAt": None},
    }
    assert fakes.deliverables.count("/rounds") == 1


async def test_an_export_of_an_unknown_round_is_not_found(graphql: GraphQLClient) -> None:
    result = await graphql.run(
        "query { exportPlan(round: 9, format: CSV) }", as_user="coordinator@cjp.test"
    )
    assert error_codes(result) == ["NOT_FOUND"]
    assert result["errors"][0]["extensions"]["field"] == "round"


async def test_an_edition_larger_than_the_usual_body_limit_is_taken_from_a_coordinator_only(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    document = "Update 2\n" + "x" * 80_000  # a published edition is ~66 KB; the limit is 64 KiB
    mutation = "mutation($d: String!) { importPlan(document: $d) { added changed summary } }"
    for user in ("police.editor@cjp.test", None):
        token = await graphql.token_for(user) if user else None
        response = await graphql.post(mutation, {"d": document}, token=token)
        assert response.status_code == 413
    fakes.deliverables.clear()
    mutation = mutation.replace("summary", "summary addedNumbers changedNumbers")
    result = await graphql.run(mutation, {"d": document}, as_user="coordinator@cjp.test")
    assert "errors" not in result, result
    imported = result["data"]["importPlan"]
    assert (imported["added"], imported["changed"]) == (1, 1)
    assert (imported["addedNumbers"], imported["changedNumbers"]) == ([51], [7, 51])
    assert fakes.deliverables.writes == [("plan:import", {"bytes": len(document)})]
    assert [path for _m, path, _q in fakes.deliverables.requests] == ["/plan/import"]


async def test_directory_filters_and_facets_go_out_in_one_call(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(
        'query { services(filter: {search: "fife", court: "Fife Sheriff Court", age: 30, '
        'clientGroup: "women", referralRoute: "court", openNow: true}) { totalCount '
        "... on ServiceConnection { facets { field values { value label count } } } } }"
    )
    assert "errors" not in result, result
    assert result["data"]["services"]["facets"] == [
        {
            "field": "serviceType",
            "values": [
                {"value": kind, "label": kind.replace("-", " ").title(), "count": 1}
                for kind in ("cpo-unpaid-work", "dtto", "womens-services")
            ],
        }
    ]
    calls = [query for _m, path, query in fakes.directory.requests if path == "/services"]
    assert len(calls) == 1
    sent = {key: values[0] for key, values in parse_qs(calls[0]).items()}
    assert sent == {
        "q": "fife", "court": "Fife Sheriff Court", "age": "30", "client_group": "women",
        "referral_route": "court", "open_now": "true", "facets": "true",
        "limit": "20", "offset": "0",
    }  # fmt: skip


async def test_facets_are_not_counted_when_the_query_does_not_ask(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run("query { services { totalCount } }")
    assert result["data"]["services"]["totalCount"] == 9
    assert "facets" not in fakes.directory.requests[-1][2]
