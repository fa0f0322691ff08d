"""A list of N items costs a constant number of downstream calls, not N."""

from __future__ import annotations

from services.gateway.tests.conftest import FakeServices, GraphQLClient, error_codes
from services.gateway.tests.fake_directory import MANAGE_TOKEN

DASHBOARD = """
query {
  deliverables(first: 50) {
    nodes {
      number status latestUpdate
      leadPartners { slug name leadDeliverables { number } }
      aimDetail { title }
    }
  }
}
"""


async def test_fifty_deliverables_with_partners_and_aims_cost_three_calls(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(DASHBOARD)
    nodes = result["data"]["deliverables"]["nodes"]
    assert len(nodes) == 50
    assert nodes[0]["aimDetail"] == {"title": "Aim 1"}
    assert 25 in {d["number"] for d in nodes[24]["leadPartners"][0]["leadDeliverables"]}
    # the page itself, every deliverable once for "leadDeliverables", the aims once
    assert fakes.deliverables.count("/deliverables") == 2
    assert fakes.deliverables.count("/aims") == 1
    assert len(fakes.deliverables.requests) == 3


async def test_deliverables_named_one_by_one_are_fetched_in_one_batch(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    aliases = " ".join(f"d{n}: deliverable(number: {n}) {{ number title }}" for n in range(1, 13))
    result = await graphql.run(f"query {{ {aliases} }}")
    assert result["data"]["d12"]["number"] == 12
    assert fakes.deliverables.requests == [
        (
            "GET",
            "/deliverables",
            "numbers=1%2C2%2C3%2C4%2C5%2C6%2C7%2C8%2C9%2C10%2C11%2C12&limit=12&offset=0",
        )
    ]


HISTORIES = """
query {
  deliverables(first: 50) {
    nodes {
      number
      history { closedRound statusChanges { newStatus reason } roundReports { round } }
    }
  }
}
"""


async def test_fifty_deliverables_with_their_history_cost_one_history_call(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(HISTORIES)
    nodes = result["data"]["deliverables"]["nodes"]
    assert len(nodes) == 50
    assert nodes[39]["history"]["statusChanges"] == [
        {"newStatus": "COMPLETE", "reason": "Round 2 report on 40"}
    ]
    assert nodes[39]["history"]["closedRound"] == 2
    every = "%2C".join(str(n) for n in range(1, 51))
    assert fakes.deliverables.requests == [
        ("GET", "/deliverables", "limit=50&offset=0"),
        ("GET", "/deliverables/history", f"numbers={every}"),
    ]


async def test_histories_of_deliverables_named_one_by_one_come_in_one_call(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(
        "query { a: deliverable(number: 7) { history { closedRound } } "
        "b: deliverable(number: 8) { history { roundReports { round } } } "
        "c: deliverable(number: 99) { history { closedRound } } }"
    )
    assert "errors" not in result, result
    assert result["data"]["a"]["history"] == {"closedRound": None}
    assert result["data"]["b"]["history"] == {"roundReports": [{"round": 2}]}
    assert result["data"]["c"] is None
    assert fakes.deliverables.count("/deliverables/history") == 1


async def test_services_with_their_areas_cost_two_calls(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(
        "query { services(first: 9) { nodes { name localAuthorityDetails { name } } } }"
    )
    assert len(result["data"]["services"]["nodes"]) == 9
    assert fakes.directory.count("/services") == 1
    assert fakes.directory.count("/local-authorities") == 1


MY_ALERTS = """
query($token: String!) {
  mySubscriptions(manageToken: $token) {
    kind value frequency
    deliverable { number title leadPartners { slug } }
    service { name localAuthorityDetails { name } }
    localAuthority { code name services(first: 1) { totalCount } }
  }
}
"""


async def test_a_subscribers_alerts_with_what_they_follow_cost_a_constant_number_of_calls(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(MY_ALERTS, {"token": MANAGE_TOKEN})
    assert "errors" not in result, result
    alerts = result["data"]["mySubscriptions"]
    assert len(alerts) == 20
    by_value = {(a["kind"], a["value"]): a for a in alerts}
    assert by_value[("DELIVERABLE", "7")]["deliverable"]["number"] == 7
    assert by_value[("DELIVERABLE", "7")]["service"] is None
    assert by_value[("DELIVERABLE", "999")]["deliverable"] is None  # no longer in the plan
    assert by_value[("SERVICE", "2")]["service"]["localAuthorityDetails"] == [{"name": "Fife"}]
    assert by_value[("LOCAL_AUTHORITY", "fife")]["localAuthority"]["name"] == "Fife"
    assert by_value[("AIM", "2")]["frequency"] == "WEEKLY"
    assert by_value[("AIM", "2")]["deliverable"] is None
    # 12 deliverables in one call; the areas once; the notifications service once.
    assert fakes.notifications.requests == [("POST", "/subscriptions/mine", "")]
    assert fakes.deliverables.requests == [
        (
            "GET",
            "/deliverables",
            "numbers=1%2C2%2C3%2C4%2C5%2C6%2C7%2C8%2C9%2C10%2C11%2C999&limit=12&offset=0",
        )
    ]
    assert fakes.directory.count("/local-authorities") == 1
    # The four service subscriptions (three distinct services) cost one batch read by id.
    assert fakes.directory.count("/services/by-ids") == 1
    assert fakes.directory.count("/services/") == 1
    # plus one list call per area for its "services"
    assert fakes.directory.count("/services") == 3 + 1


async def test_a_bad_manage_token_is_bad_user_input_on_the_argument(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(MY_ALERTS, {"token": "expired"})
    assert result["data"] == {"mySubscriptions": None}
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["extensions"]["field"] == "manageToken"
    assert result["errors"][0]["message"] == "This link has expired."
    assert fakes.deliverables.requests == []
