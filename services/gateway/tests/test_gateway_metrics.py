"""The gateway's /metrics: calls to each service timed, failures counted, refusals counted."""

from __future__ import annotations

import httpx

from services.gateway.tests.conftest import GatewayFactory, GraphQLClient, pick_port


def sample(scrape: str, name: str, **labels: str) -> float:
    """The sum of the series of ``name`` with these labels in a text scrape (0 if none)."""
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in scrape.splitlines()
        if line.startswith((name + "{", name + " "))
        and all(f'{key}="{value}"' in line for key, value in labels.items())
    )


async def test_upstream_calls_errors_and_rate_limit_refusals_are_counted(
    start_gateway: GatewayFactory,
) -> None:
    url = await start_gateway(
        rate_limit_per_minute=60,
        rate_limit_burst=3,
        directory_url=f"http://127.0.0.1:{pick_port()}",  # nobody listens: unreachable
    )
    async with httpx.AsyncClient(timeout=10) as http:
        before = (await http.get(f"{url}/metrics")).text
        client = GraphQLClient(http, url)
        await client.post("query { deliverable(number: 40) { number } }")
        await client.post("query { serviceTypes { code } }")
        statuses = [(await client.post("query { me { email } }")).status_code for _ in range(3)]
        after = (await http.get(f"{url}/metrics")).text
        proxied = await http.get(f"{url}/metrics", headers={"X-Forwarded-For": "203.0.113.7"})

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert 429 in statuses
    calls = "cjp_gateway_upstream_duration_seconds_count"
    assert grew(calls, upstream="deliverables", outcome="ok") >= 1
    assert grew(calls, upstream="directory", outcome="unreachable") >= 1
    assert grew("cjp_gateway_upstream_errors_total", upstream="directory", kind="unreachable") >= 1
    assert grew("cjp_gateway_rate_limit_refusals_total", protocol="http") == statuses.count(429)
    served = "cjp_http_request_duration_seconds_count"
    assert grew(served, service="gateway", route="/graphql", status="2xx") == 2 + statuses.count(
        200
    )
    # Refused before routing: counted, under no route (a raw path would let anyone add series).
    assert grew(served, service="gateway", route="<unmatched>", status="4xx") == statuses.count(429)
    assert proxied.status_code == 404  # not through a proxy: cluster scrapers only
