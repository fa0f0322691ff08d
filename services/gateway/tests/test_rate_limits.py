"""Rate budgets hold: keyed by the real client, shared by every replica through the database."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from services.gateway.entrypoints.http.client_budgets import TrustedProxies, client_address
from services.gateway.tests.conftest import GatewayFactory

ME = {"query": "query { me { email } }"}


def scope(peer: str, forwarded: str | None = None) -> dict[str, object]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"type": "http", "client": (peer, 5000), "headers": headers}


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "client"),
    [
        ("", "127.0.0.1", "203.0.113.7", "127.0.0.1"),  # nothing trusted by default
        ("10.0.0.0/8", "192.0.2.1", "203.0.113.7", "192.0.2.1"),  # not a configured proxy
        ("10.0.0.0/8", "10.1.2.3", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.0/8", "10.1.2.3", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # last hop only
        ("10.0.0.0/8", "10.1.2.3", "not-an-address", "10.1.2.3"),
        ("10.0.0.0/8", "10.1.2.3", None, "10.1.2.3"),
    ],
)
def test_the_client_is_the_last_hop_a_configured_proxy_added(
    trusted: str, peer: str, forwarded: str | None, client: str
) -> None:
    assert client_address(scope(peer, forwarded), TrustedProxies.parse(trusted)) == client


async def test_a_made_up_x_forwarded_for_buys_no_fresh_budget(
    start_gateway: GatewayFactory,
) -> None:
    """The issue's bypass: a new X-Forwarded-For on every request from 127.0.0.1."""
    untrusted = await start_gateway(rate_limit_per_minute=1, rate_limit_burst=5)
    behind_proxy = await start_gateway(
        rate_limit_per_minute=1, rate_limit_burst=5, trusted_proxies="127.0.0.1"
    )
    async with httpx.AsyncClient(timeout=10) as http:
        direct = [
            (await http.post(f"{untrusted}/graphql", json=ME,
                             headers={"X-Forwarded-For": f"198.51.100.{i}"})).status_code
            for i in range(20)
        ]  # fmt: skip
        # Through a trusted proxy a client can prepend anything; the proxy's own entry counts.
        spoofed = [
            (await http.post(f"{behind_proxy}/graphql", json=ME,
                             headers={"X-Forwarded-For": f"198.51.100.{i}, 203.0.113.9"})
             ).status_code
            for i in range(20)
        ]  # fmt: skip
    assert direct.count(200) == 5 and direct.count(429) == 15
    assert spoofed.count(200) == 5 and spoofed.count(429) == 15


async def test_replicas_share_one_budget_through_the_database(
    start_gateway: GatewayFactory, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'shared-gateway.db'}"
    replicas = [
        await start_gateway(database_url=database, rate_limit_per_minute=1, rate_limit_burst=6)
        for _ in range(3)
    ]
    async with httpx.AsyncClient(timeout=10) as http:
        statuses = [
            (await http.post(f"{replicas[i % 3]}/graphql", json=ME)).status_code for i in range(18)
        ]
    # one budget of 6 across three replicas, where per-process budgets would have allowed 18
    assert statuses.count(200) == 6, statuses
