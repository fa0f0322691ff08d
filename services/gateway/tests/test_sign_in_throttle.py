"""Sign-in is throttled per account and per address, exponentially, and every try is audited."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from structlog.testing import capture_logs

from services.gateway.adapters.sign_in_throttle import ThrottlePolicy
from services.gateway.tests.conftest import DEMO_PASSWORD, GatewayFactory, error_codes

SIGN_IN = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }"


async def sign_in(http: httpx.AsyncClient, url: str, email: str, password: str) -> dict[str, Any]:
    response = await http.post(
        f"{url}/graphql", json={"query": SIGN_IN, "variables": {"e": email, "p": password}}
    )
    result: dict[str, Any] = response.json()
    return result


def test_the_delay_doubles_after_the_free_failures_up_to_a_maximum() -> None:
    policy = ThrottlePolicy(base_delay_seconds=1, max_delay_seconds=60)
    delays = [policy.delay(n, free=3) for n in range(1, 12)]
    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]


async def test_two_hundred_wrong_passwords_mostly_never_reach_the_password_check(
    start_gateway: GatewayFactory,
) -> None:
    """The issue's attack: 200 wrong passwords for the coordinator, as fast as possible."""
    url = await start_gateway(sign_in_free_failures_per_account=3)
    async with httpx.AsyncClient(timeout=30) as http:
        with capture_logs() as logs:
            results = [
                await sign_in(http, url, "coordinator@cjp.test", f"guess-{i}") for i in range(200)
            ]
    codes = [error_codes(r)[0] for r in results]
    # 3 free failures, then the delay grows past the time the whole run takes
    assert codes.count("UNAUTHENTICATED") <= 6
    assert codes.count("RATE_LIMITED") >= 194
    assert (
        "wait"
        in next(r for r in results if error_codes(r) == ["RATE_LIMITED"])["errors"][0]["message"]
    )
    audits = [line for line in logs if line["event"] == "sign_in_audit"]
    assert len(audits) == 200
    assert {line["outcome"] for line in audits} == {"failed", "throttled"}
    assert all(line["account"] == "c***@c***.test" for line in audits)  # never the address
    assert all("guess" not in str(line) for line in audits)


async def test_after_the_delay_the_right_password_works_and_clears_the_account(
    start_gateway: GatewayFactory,
) -> None:
    url = await start_gateway(sign_in_free_failures_per_account=1)
    async with httpx.AsyncClient(timeout=30) as http:
        first = await sign_in(http, url, "sheriff@cjp.test", "wrong")
        second = await sign_in(http, url, "sheriff@cjp.test", "wrong")  # blocked 1 s after it
        blocked = await sign_in(http, url, "sheriff@cjp.test", DEMO_PASSWORD)
        await asyncio.sleep(1.2)
        allowed = await sign_in(http, url, "sheriff@cjp.test", DEMO_PASSWORD)
        again = await sign_in(http, url, "sheriff@cjp.test", "wrong")
    assert error_codes(first) == error_codes(second) == ["UNAUTHENTICATED"]
    assert error_codes(blocked) == ["RATE_LIMITED"]  # even the right password waits
    assert allowed["data"]["signIn"]["token"]
    assert error_codes(again) == ["UNAUTHENTICATED"]  # counting starts again from zero


async def test_one_address_guessing_many_accounts_is_throttled_too(
    start_gateway: GatewayFactory,
) -> None:
    url = await start_gateway(sign_in_free_failures_per_address=4)
    async with httpx.AsyncClient(timeout=30) as http:
        results = [await sign_in(http, url, f"person{i}@cjp.test", "password") for i in range(8)]
    codes = [error_codes(r)[0] for r in results]
    assert codes[:5] == ["UNAUTHENTICATED"] * 5
    assert codes[5:] == ["RATE_LIMITED"] * 3
