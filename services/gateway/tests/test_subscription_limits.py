"""subscribe: targets must exist, and requests are limited per client and per subscriber."""

from __future__ import annotations

import httpx
import pytest

from services.gateway.tests.conftest import FakeServices, GatewayFactory, GraphQLClient, error_codes

SUBSCRIBE = """mutation($e: String!, $k: SubscriptionTargetKind!, $v: String) {
  subscribe(input: {email: $e, targetKind: $k, targetValue: $v}) { status } }"""


async def subscribe(client: GraphQLClient, email: str, kind: str, value: str | None) -> list[str]:
    result = await client.run(SUBSCRIBE, {"e": email, "k": kind, "v": value})
    return error_codes(result)


@pytest.mark.parametrize(
    ("kind", "value", "exists"),
    [
        ("DELIVERABLE", "40", True),
        ("DELIVERABLE", "999", False),
        ("DELIVERABLE", "<script>", False),
        ("AIM", "2", True),
        ("AIM", "9", False),
        ("LEAD_PARTNER", "police-scotland", True),
        ("LEAD_PARTNER", "no-such-partner", False),
        ("LOCAL_AUTHORITY", "fife", True),
        ("LOCAL_AUTHORITY", "no-such-area", False),
        ("SERVICE_TYPE", "dtto", True),
        ("SERVICE_TYPE", "<script>alert(1)</script>", False),
        ("SERVICE", "1", True),
        ("SERVICE", "..", False),
        ("SERVICE", "9999", False),
    ],
)
async def test_only_targets_that_exist_are_forwarded(
    graphql: GraphQLClient, fakes: FakeServices, kind: str, value: str, exists: bool
) -> None:
    codes = await subscribe(graphql, "someone@example.org", kind, value)
    forwarded = [body for what, body in fakes.notifications.writes if what == "subscription"]
    if exists:
        assert codes == [] and len(forwarded) == 1
    else:
        assert codes == ["BAD_USER_INPUT"] and forwarded == []


async def test_one_address_cannot_be_flooded_through_the_gateway(
    start_gateway: GatewayFactory, fakes: FakeServices
) -> None:
    """The issue's attack: 64 anonymous subscribe calls for one address."""
    url = await start_gateway(subscribe_burst_per_subscriber=3, subscribe_burst_per_client=100)
    async with httpx.AsyncClient(timeout=30) as http:
        client = GraphQLClient(http, url)
        codes = [
            await subscribe(client, "victim@example.org", "DELIVERABLE", "40") for _ in range(64)
        ]
        other = await subscribe(client, "someone.else@example.org", "DELIVERABLE", "40")
    assert codes.count([]) == 3 and codes.count(["RATE_LIMITED"]) == 61
    assert other == []  # another address has its own budget
    assert len([w for w in fakes.notifications.writes if w[0] == "subscription"]) == 4


async def test_one_client_cannot_subscribe_address_after_address(
    start_gateway: GatewayFactory,
) -> None:
    url = await start_gateway(subscribe_burst_per_client=5, subscribe_burst_per_subscriber=100)
    async with httpx.AsyncClient(timeout=30) as http:
        client = GraphQLClient(http, url)
        codes = [
            await subscribe(client, f"person{i}@example.org", "ALL_DELIVERABLES", None)
            for i in range(8)
        ]
    assert codes[:5] == [[]] * 5 and codes[5:] == [["RATE_LIMITED"]] * 3
