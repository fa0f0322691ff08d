"""Generated valid and invalid operations never produce a 500, a crash or an uncoded error."""

from __future__ import annotations

import json

import hypothesis_graphql
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from services.gateway.entrypoints.export_schema import schema_text
from services.gateway.tests.conftest import GraphQLClient

SCHEMA = schema_text()
CODES = {
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "BAD_USER_INPUT",
    "NOT_FOUND",
    "CONFLICT",
    "UPSTREAM_UNAVAILABLE",
    "RATE_LIMITED",
    "QUERY_TOO_COSTLY",
}
# The JSON scalar (an HSDS document for importDirectory) has no default strategy: give it
# strings, numbers and empty objects, valid and invalid documents alike.
SCALARS = {
    "JSON": st.one_of(
        st.text(max_size=40).map(nodes.String),
        st.integers(-10, 10).map(nodes.Int),
        st.just(nodes.Object([])),
    )
}
OPERATIONS = st.one_of(
    hypothesis_graphql.queries(SCHEMA, custom_scalars=SCALARS),
    hypothesis_graphql.mutations(SCHEMA, custom_scalars=SCALARS),
    hypothesis_graphql.from_schema(
        SCHEMA, custom_scalars=SCALARS, mode=hypothesis_graphql.Mode.NEGATIVE
    ),
    st.text(max_size=200),
)
FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None
)


@FUZZ
@given(operation=OPERATIONS, signed_in=st.booleans())
async def test_no_operation_breaks_the_gateway(
    graphql: GraphQLClient, operation: object, signed_in: bool
) -> None:
    token = await graphql.token_for("coordinator@cjp.test") if signed_in else None
    response = await graphql.post(str(operation), token=token)
    assert response.status_code < 500, response.text
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        for error in body.get("errors") or []:
            assert error.get("extensions", {}).get("code") in CODES, (operation, error)
        assert "Traceback" not in json.dumps(body)


WITH_VARIABLES = [
    "mutation($n: Int!, $s: DeliverableStatus!, $r: String) "
    "{ updateDeliverableStatus(number: $n, status: $s, reason: $r) { status } }",
    "query($f: DeliverableFilter, $first: Int, $after: String) "
    "{ deliverables(filter: $f, first: $first, after: $after) { totalCount } }",
    "query($id: ID!) { service(id: $id) { name } }",
    "mutation($input: SubscribeInput!) { subscribe(input: $input) { status } }",
]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
VARIABLE_NAMES = st.sampled_from(["n", "s", "r", "f", "first", "after", "id", "input"])


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    operation=st.sampled_from(WITH_VARIABLES),
    variables=st.dictionaries(VARIABLE_NAMES, JSON, max_size=4),
)
async def test_no_variables_break_the_gateway(
    graphql: GraphQLClient, operation: str, variables: dict[str, object]
) -> None:
    token = await graphql.token_for("coordinator@cjp.test")
    response = await graphql.post(operation, variables, token=token)
    assert response.status_code < 500, response.text
    for error in response.json().get("errors") or []:
        assert error.get("extensions", {}).get("code") in CODES, (operation, variables, error)
