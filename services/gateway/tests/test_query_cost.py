"""Queries are costed before they run; over the caller's budget they are refused, cost given."""

from __future__ import annotations

import re

import httpx
from graphql import parse

from services.gateway.entrypoints.graphql.query_cost import CostRules, query_cost
from services.gateway.entrypoints.graphql.schema import build_schema
from services.gateway.settings import GatewaySettings
from services.gateway.tests.conftest import FakeServices, GatewayFactory, GraphQLClient, error_codes

# The attack: inside the depth limit, yet it fans out to millions of objects.
FAN_OUT = """
query { deliverables { nodes { leadPartners { leadDeliverables { leadPartners {
  leadDeliverables { history { closedRound statusChanges { newStatus } } } } } } } } }
"""
# A page of 50 deliverables, each with its aim and up to 5 lead partners:
# 50 * (1 connection + 1 nodes + 1 aim + 5 partners) = 400.
PAGE = """query { deliverables(first: 50) {
  nodes { number aimDetail { title } leadPartners { name } } } }"""
SCHEMA = build_schema(GatewaySettings())._schema
RULES = CostRules(max_page_size=100)


def cost(query: str, variables: dict[str, object] | None = None) -> int:
    return query_cost(SCHEMA, parse(query), operation_name=None, variables=variables, rules=RULES)


def test_objects_count_one_and_lists_multiply_by_their_page() -> None:
    assert cost("query { me { email } }") == 1
    assert cost(PAGE) == 400
    # a page named by a variable counts that page; a page over the maximum counts the maximum
    by_variable = "query($n: Int!) { deliverables(first: $n) { nodes { aimDetail { title } } } }"
    assert cost(by_variable, {"n": 10}) == 10 * 3
    assert cost(by_variable, {"n": 10_000}) == 100 * 3
    # fragments cost what they select
    fragment = """query { deliverables(first: 10) { nodes { ...D } } }
      fragment D on Deliverable { aimDetail { title } }"""
    assert cost(fragment) == 10 * 3
    assert cost(FAN_OUT) > 1_000_000


async def test_the_fan_out_query_is_refused_with_its_cost_before_any_service_is_called(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    result = await graphql.run(FAN_OUT)
    assert error_codes(result) == ["QUERY_TOO_COSTLY"]
    message = result["errors"][0]["message"]
    stated = int(re.search(r"would cost (\d+)", message).group(1))  # type: ignore[union-attr]
    assert stated == cost(FAN_OUT)
    assert "budget of 15000" in message
    assert result.get("data") is None
    assert fakes.deliverables.requests == []
    signed_in = await graphql.run(FAN_OUT, as_user="coordinator@cjp.test")
    assert error_codes(signed_in) == ["QUERY_TOO_COSTLY"]  # no budget is that large


async def test_signed_in_callers_have_a_larger_budget_than_anonymous_ones(
    start_gateway: GatewayFactory,
) -> None:
    url = await start_gateway(max_query_cost_anonymous=100, max_query_cost_signed_in=1000)
    async with httpx.AsyncClient(timeout=10) as http:
        client = GraphQLClient(http, url)
        anonymous = await client.run(PAGE)
        signed_in = await client.run(PAGE, as_user="sg.editor@cjp.test")
        small = await client.run("query { deliverables(first: 10) { nodes { number } } }")
    assert error_codes(anonymous) == ["QUERY_TOO_COSTLY"]
    assert "would cost 400, over the budget of 100" in anonymous["errors"][0]["message"]
    assert "errors" not in signed_in and len(signed_in["data"]["deliverables"]["nodes"]) == 50
    assert "errors" not in small
