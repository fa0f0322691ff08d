"""Rate budgets hold: keyed by the real client, shared by every replica through the database
(decided in memory, synced in batches, within a stated bound)."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from services.gateway.adapters.rate_batches import BatchedRateLimiter
from services.gateway.adapters.rate_limits import Limit, SharedRateLimiter
from services.gateway.entrypoints.http.client_budgets import TrustedProxies, client_address
from services.gateway.tests.conftest import GatewayFactory, error_codes
from services.gateway.wiring import MIGRATIONS
from shared.db import make_engine, upgrade_database

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
    sync = {"rate_limit_sync_requests": 2, "rate_limit_sync_seconds": 0.1}
    replicas = [
        await start_gateway(
            database_url=database, rate_limit_per_minute=1, rate_limit_burst=6, **sync
        )
        for _ in range(3)
    ]
    async with httpx.AsyncClient(timeout=10) as http:
        statuses = [
            (await http.post(f"{replicas[i % 3]}/graphql", json=ME)).status_code for i in range(18)
        ]
        await asyncio.sleep(0.5)  # every replica has synced what it spent
        later = [(await http.post(f"{url}/graphql", json=ME)).status_code for url in replicas]
    # one budget of 6 across three replicas, where per-process budgets would have allowed 18;
    # each other replica may admit at most its 2 unsynced requests beyond it
    assert 6 <= statuses.count(200) <= 6 + (3 - 1) * 2, statuses
    assert later == [429, 429, 429]


@pytest.mark.postgres
async def test_two_replicas_on_postgresql_hold_the_limit_within_the_bound(
    start_gateway: GatewayFactory, postgres_database_url: str
) -> None:
    """Concurrent clients on two replicas: the shared budget holds within (R - 1) * N."""
    burst, unsynced = 20, 4
    replicas = [
        await start_gateway(
            database_url=postgres_database_url, rate_limit_per_minute=1, rate_limit_burst=burst,
            rate_limit_sync_requests=unsynced, rate_limit_sync_seconds=0.2,
        )
        for _ in range(2)
    ]  # fmt: skip
    started = time.time()
    async with httpx.AsyncClient(timeout=20) as http:

        async def ask(url: str) -> httpx.Response:
            return await http.post(f"{url}/graphql", json=ME)

        answers = await asyncio.gather(*(ask(replicas[i % 2]) for i in range(120)))
        await asyncio.sleep(0.6)
        later = [await ask(url) for url in replicas]
    admitted = [a.status_code for a in answers].count(200)
    assert burst <= admitted <= burst + (2 - 1) * unsynced, admitted
    assert [a.status_code for a in later] == [429, 429]
    assert error_codes(later[0].json()) == ["RATE_LIMITED"]
    # every admitted request, the excess included, was written: the client waits it off
    engine = make_engine(postgres_database_url)
    try:
        with engine.connect() as connection:
            tat = connection.execute(text("SELECT tat FROM rate_budget")).scalar_one()
    finally:
        engine.dispose()
    assert tat >= started + admitted * 60 - 1


async def test_one_replica_decides_exactly_as_the_database_would(tmp_path: Path) -> None:
    """Deciding in memory with one replica gives the same answers as one upsert per request."""
    engines = []
    for name in ("per-request", "batched"):
        url = f"sqlite:///{tmp_path / name}.db"
        upgrade_database(url, MIGRATIONS)
        engines.append(make_engine(url))
    exact = SharedRateLimiter(lambda: engines[0])
    clock = [1_000_000.0]
    batched = BatchedRateLimiter(
        lambda: engines[1], sync_seconds=0.2, sync_requests=3, clock=lambda: clock[0]
    )
    steps = random.Random(11)
    answers: list[tuple[float, float]] = []
    for _ in range(400):
        clock[0] += steps.choice([0.0, 0.01, 0.05, 0.3, 2.0])
        limits = [Limit(steps.choice(["ip:a", "ip:b"]), per_minute=60, burst=4)]
        answers.append((exact.wait_for_now(limits, now=clock[0]), await batched.wait_for(limits)))
    await batched.aclose()
    for engine in engines:
        engine.dispose()
    assert [a for a, _ in answers].count(0.0) > 100 and [a for a, _ in answers].count(0.0) < 400
    assert [b == pytest.approx(a, abs=1e-6) for a, b in answers] == [True] * len(answers)
