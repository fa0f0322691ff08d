"""Protection: query limits, page and body size, rate limit, introspection, headers, CORS."""

from __future__ import annotations

import secrets

import httpx

from services.gateway.tests.conftest import GatewayFactory, GraphQLClient, error_codes
from shared.identity import generate_identity_keys

INTROSPECTION = "query { __schema { queryType { name } } }"


async def test_deep_queries_are_refused(graphql: GraphQLClient) -> None:
    nested = "leadPartners { leadDeliverables { " * 6 + "number" + " } }" * 6
    result = await graphql.run(f"query {{ deliverables {{ nodes {{ {nested} }} }} }}")
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]


async def test_too_many_aliases_and_tokens_are_refused(graphql: GraphQLClient) -> None:
    aliases = " ".join(f"a{i}: aims {{ number }}" for i in range(20))
    assert error_codes(await graphql.run(f"query {{ {aliases} }}")) == ["BAD_USER_INPUT"]
    fields = " ".join(["number"] * 1200)
    tokens = await graphql.run(f"query {{ aims {{ {fields} }} }}")
    assert error_codes(tokens) == ["BAD_USER_INPUT"]


async def test_a_body_over_the_limit_is_refused_before_parsing(graphql: GraphQLClient) -> None:
    padding = "#" + "x" * 70_000 + "\n"
    response = await graphql.post(padding + "query { aims { number } }")
    assert response.status_code == 413
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]


async def test_chunked_bodies_are_limited_too(graphql: GraphQLClient) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b" " * 10_000

    response = await graphql.http.post(
        f"{graphql.url}/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def test_security_headers_are_set(graphql: GraphQLClient) -> None:
    response = await graphql.post("query { aims { number } }")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


async def test_graphiql_is_served_in_development(graphql: GraphQLClient) -> None:
    response = await graphql.http.get(f"{graphql.url}/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()
    introspection = await graphql.run(INTROSPECTION)
    assert introspection["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_production_turns_introspection_off(start_gateway: GatewayFactory) -> None:
    url = await start_gateway(
        environment="production",
        token_secret=secrets.token_urlsafe(48),
        identity_private_key=generate_identity_keys()[0],
        cors_origins=["https://justice.example"],
    )
    async with httpx.AsyncClient(timeout=10) as http:
        client = GraphQLClient(http, url)
        result = await client.run(INTROSPECTION)
        page = await http.get(f"{url}/graphql", headers={"accept": "text/html"})
        preflight = await http.options(
            f"{url}/graphql",
            headers={"origin": "https://justice.example", "access-control-request-method": "POST"},
        )
        stranger = await http.options(
            f"{url}/graphql",
            headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
        )
    assert set(error_codes(result)) == {"BAD_USER_INPUT"}
    assert "introspection" in result["errors"][0]["message"].lower()
    assert page.status_code != 200 or "graphiql" not in page.text.lower()
    assert preflight.headers["access-control-allow-origin"] == "https://justice.example"
    assert "access-control-allow-origin" not in stranger.headers


async def test_a_client_over_its_rate_is_told_to_wait(start_gateway: GatewayFactory) -> None:
    url = await start_gateway(rate_limit_per_minute=60, rate_limit_burst=5)
    async with httpx.AsyncClient(timeout=10) as http:
        client = GraphQLClient(http, url)
        statuses = [(await client.post("query { me { email } }")).status_code for _ in range(7)]
        refused = await client.post("query { me { email } }")
        signed_in = await client.post("query { me { email } }", token="someone-else")
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    assert error_codes(refused.json()) == ["RATE_LIMITED"]
    assert int(refused.headers["retry-after"]) >= 1
    assert signed_in.status_code == 200, "each client has its own budget"


async def test_made_up_tokens_do_not_escape_the_address_budget(
    start_gateway: GatewayFactory,
) -> None:
    # slow refill (one request per 2 s for the address), so timing cannot blur the count
    url = await start_gateway(rate_limit_per_minute=6, rate_limit_burst=2)
    async with httpx.AsyncClient(timeout=10) as http:
        client = GraphQLClient(http, url)
        statuses = [
            (await client.post("query { me { email } }", token=f"made-up-{i}")).status_code
            for i in range(14)
        ]
    # the address allows five times a token's burst (10), whatever the tokens say
    assert statuses.count(429) >= 3


async def test_visitors_behind_a_trusted_proxy_have_their_own_budgets(
    start_gateway: GatewayFactory,
) -> None:
    url = await start_gateway(
        rate_limit_per_minute=6, rate_limit_burst=2, trusted_proxies="127.0.0.1"
    )
    async with httpx.AsyncClient(timeout=10) as http:

        async def status_as(visitor: str) -> int:
            response = await http.post(
                f"{url}/graphql",
                json={"query": "query { me { email } }"},
                headers={"X-Forwarded-For": visitor},
            )
            return response.status_code

        first = [await status_as("203.0.113.7") for _ in range(3)]
        second = await status_as("203.0.113.8")
    assert first == [200, 200, 429]
    assert second == 200
