"""Errors: every one has a code, none leaks internals, and one service down means partial data."""

from __future__ import annotations

import json

import httpx

from services.gateway.tests.conftest import (
    FakeServices,
    GatewayFactory,
    GraphQLClient,
    error_codes,
    pick_port,
)
from services.gateway.tests.fake_directory import BROKEN_SERVICE_ID, MALFORMED_SERVICE_ID

LEAKS = ("Traceback", "127.0.0.1", "http://", "postgresql", "RuntimeError", "KeyError", ".py")


def assert_no_leak(result: dict[str, object]) -> None:
    text = json.dumps(result.get("errors"))
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} leaked in {text}"


async def test_with_the_directory_down_deliverables_still_answer_and_services_are_partial(
    start_gateway: GatewayFactory,
) -> None:
    url = await start_gateway(directory_url=f"http://127.0.0.1:{pick_port()}")
    async with httpx.AsyncClient(timeout=10) as http:
        client = GraphQLClient(http, url)
        result = await client.run(
            "query { deliverables(first: 3) { totalCount } localAuthorities { code } }"
        )
    assert result["data"]["deliverables"] == {"totalCount": 50}
    assert result["data"]["localAuthorities"] is None
    assert error_codes(result) == ["UPSTREAM_UNAVAILABLE"]
    assert result["errors"][0]["path"] == ["localAuthorities"]
    assert "services directory" in result["errors"][0]["message"]
    assert_no_leak(result)


async def test_a_cross_service_field_fails_alone_when_its_service_is_down(
    start_gateway: GatewayFactory,
) -> None:
    url = await start_gateway(deliverables_url=f"http://127.0.0.1:{pick_port()}")
    async with httpx.AsyncClient(timeout=10) as http:
        client = GraphQLClient(http, url)
        result = await client.run(
            'query { localAuthority(code: "fife") { name ledDeliverables { number } } }'
        )
    assert result["data"]["localAuthority"] == {"name": "Fife", "ledDeliverables": None}
    assert error_codes(result) == ["UPSTREAM_UNAVAILABLE"]
    assert_no_leak(result)


async def test_an_upstream_crash_is_upstream_unavailable_without_internals(
    graphql: GraphQLClient,
) -> None:
    result = await graphql.run(f'query {{ service(id: "{BROKEN_SERVICE_ID}") {{ name }} }}')
    assert error_codes(result) == ["UPSTREAM_UNAVAILABLE"]
    assert_no_leak(result)


async def test_a_gateway_bug_is_internal_masked_and_logged(graphql: GraphQLClient) -> None:
    result = await graphql.run(f'query {{ service(id: "{MALFORMED_SERVICE_ID}") {{ name }} }}')
    assert error_codes(result) == ["INTERNAL"]
    assert result["errors"][0]["message"].startswith("Something went wrong on our side")
    assert_no_leak(result)


async def test_a_bad_bearer_token_is_unauthenticated(graphql: GraphQLClient) -> None:
    response = await graphql.post("query { me { email } }", token="not-a-jwt")
    result = response.json()
    assert response.status_code == 200
    assert error_codes(result) == ["UNAUTHENTICATED"]
    wrong_password = await graphql.run(
        'mutation { signIn(email: "coordinator@cjp.test", password: "nope") { token } }'
    )
    assert error_codes(wrong_password) == ["UNAUTHENTICATED"]


async def test_invalid_queries_are_bad_user_input(graphql: GraphQLClient) -> None:
    for query in ("query { nope }", 'query { deliverables(first: "x") { totalCount } }', "{"):
        response = await graphql.post(query)
        assert response.status_code < 500
        assert error_codes(response.json()) == ["BAD_USER_INPUT"], response.text


async def test_the_correlation_id_is_forwarded_to_the_services(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    response = await graphql.http.post(
        f"{graphql.url}/graphql",
        json={"query": "query { aims { number } }"},
        headers={"X-Correlation-ID": "trace-me-123"},
    )
    assert response.headers["x-correlation-id"] == "trace-me-123"
    forged = await graphql.http.post(
        f"{graphql.url}/graphql",
        json={"query": "query { aims { number } }"},
        headers={"X-Correlation-ID": 'x" event=forged'},
    )
    fresh = forged.headers["x-correlation-id"]
    assert fresh != 'x" event=forged' and len(fresh) == 36
    assert fakes.deliverables.correlation_ids == ["trace-me-123", fresh]


async def test_ids_cannot_reach_other_paths_of_a_service(
    graphql: GraphQLClient, fakes: FakeServices
) -> None:
    for service_id in ("..", "1/../../deliverables", "\u001f", "1?x=2"):
        result = await graphql.run(
            "query($id: ID!) { service(id: $id) { name } }", {"id": service_id}
        )
        assert result["data"]["service"] is None, service_id
    assert all(path.startswith("/services/") for _m, path, _q in fakes.directory.requests)
    assert fakes.deliverables.requests == []
