"""With introspection off the gateway gives away no field names, and no OpenAPI document."""

from __future__ import annotations

import secrets

import httpx

from services.gateway.tests.conftest import GatewayFactory, GraphQLClient
from shared.identity import generate_identity_keys

TYPOS = [
    "mutation { importPla { changedNumbers } }",
    "query { deliverabels { totalCount } }",
    "query { deliverables { nodes { numbr } } }",
]


async def test_production_errors_suggest_no_field_names(start_gateway: GatewayFactory) -> None:
    production = await start_gateway(
        environment="production",
        token_secret=secrets.token_urlsafe(48),
        identity_private_key=generate_identity_keys()[0],
    )
    development = await start_gateway()
    async with httpx.AsyncClient(timeout=10) as http:
        for query in TYPOS:
            hidden = await GraphQLClient(http, production).run(query)
            shown = await GraphQLClient(http, development).run(query)
            assert "Did you mean" not in str(hidden["errors"]), query
            assert "Cannot query field" in hidden["errors"][0]["message"]
            assert "Did you mean" in str(shown["errors"]), query
        assert (await http.get(f"{production}/openapi.json")).status_code == 404
        assert (await http.get(f"{production}/docs")).status_code == 404
